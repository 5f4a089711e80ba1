import type { NetworkPolicy } from './network-policy.js';

/** `setup` of `.github/aidp.yml`, as workflows carry it. Pure: workflows import it. */
export interface SetupSettings {
  commands: Array<{ command: string; timeout_seconds: number }>;
  cache?: { key_files: string[]; paths: string[] };
  /** What the setup sandboxes may reach (`sandbox.network.setup_allow`). */
  network: NetworkPolicy;
}

/** Paths aidp never commits: what the setup cache holds. */
export function setupKeepOut(setup: SetupSettings | undefined): string[] {
  return setup?.cache?.paths ?? [];
}

/** Upper bound of one setup run, for its activity's timeout: every command, plus copying. */
export function setupSeconds(setup: SetupSettings | undefined): number {
  return (setup?.commands ?? []).reduce((sum, c) => sum + c.timeout_seconds, 0) + 300;
}
