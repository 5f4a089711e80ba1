import { ApplicationFailure } from '@temporalio/common';
import { SANDBOX_UNAVAILABLE } from '../domain/failure-types.js';
import { probeSandbox } from './probe.js';
import type { SandboxSettings } from './settings.js';

/** What is wrong and every way to fix it, as the operator reads it. */
export function sandboxUnavailableMessage(detail: string): string {
  return [
    `the agent sandbox cannot start, so aidp runs no agents and no checks (${detail}).`,
    'Fix one of these:',
    '  - install bubblewrap: apt-get install bubblewrap (Debian/Ubuntu), dnf install bubblewrap (Fedora), apk add bubblewrap (Alpine);',
    '  - enable unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1 (Debian) or sysctl user.max_user_namespaces=15000,',
    '    and on Ubuntu 24.04+ sysctl kernel.apparmor_restrict_unprivileged_userns=0;',
    '  - in Docker: run the worker with the security options of docker-compose.yml (security_opt: seccomp=unconfined, apparmor=unconfined);',
    '  - or set AIDP_SANDBOX=off to run agents unsandboxed, at your own risk: they can then read everything the worker can.',
  ].join('\n');
}

/** Logged at start, printed by `aidp run` and shown in the status comment when AIDP_SANDBOX=off. */
export const SANDBOX_OFF_WARNING =
  'AIDP_SANDBOX=off: agents and checks run unsandboxed and can read everything this worker can (its environment, key file, other worktrees)';

/** Thrown at start-up (`aidp run`, `worker`, `start`): the CLI prints it whole and exits 2. */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
}

/** Resolves when a sandbox can start (or the sandbox is off); throws SandboxUnavailableError otherwise. bwrap is looked up on `path`. */
export async function requireSandbox(settings: Pick<SandboxSettings, 'enabled' | 'bwrapPath'>, path = process.env.PATH): Promise<void> {
  if (!settings.enabled) return;
  const probe = await probeSandbox(settings.bwrapPath, path || '/usr/bin:/bin');
  if (!probe.ok) throw new SandboxUnavailableError(sandboxUnavailableMessage(probe.detail ?? 'unknown reason'));
}

/** The same check inside an activity: a non-retryable `SandboxUnavailable` failure, so nothing runs unsandboxed. */
export async function requireSandboxInActivity(settings: Pick<SandboxSettings, 'enabled' | 'bwrapPath'>, path?: string): Promise<void> {
  try {
    await requireSandbox(settings, path);
  } catch (err) {
    if (err instanceof SandboxUnavailableError) throw ApplicationFailure.nonRetryable(err.message, SANDBOX_UNAVAILABLE);
    throw err;
  }
}
