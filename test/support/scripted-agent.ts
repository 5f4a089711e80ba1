import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentProvider } from '../../src/config/repo-config.js';
import { SCRIPTED_AGENT } from './cli.js';
import { agentIoDir } from './sandbox.js';

/** The scripted agent (test/fixtures/agents/scripted-agent.mjs) as a `command` provider; `flags` are its options. */
export function scriptedProvider(flags: string): AgentProvider {
  return { preset: 'command', command: `node ${SCRIPTED_AGENT} ${flags}`.trimEnd(), args: [] };
}

/** A provider list of just the scripted agent. */
export function scriptedProviders(flags: string): AgentProvider[] {
  return [scriptedProvider(flags)];
}

/**
 * A file in a fresh agent I/O dir for the scripted agent's `--hold-first` or `--wait-for`: its
 * agents wait until the test calls `release()`, once what it does while they run has landed.
 */
export function holdFile(): { path: string; release(): void } {
  const path = join(agentIoDir('hold'), 'release');
  return { path, release: () => writeFileSync(path, 'go') };
}
