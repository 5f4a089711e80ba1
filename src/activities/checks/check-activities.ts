import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { NetworkPolicy } from '../../domain/network-policy.js';
import type { SandboxSettings } from '../../sandbox/settings.js';
import { openUntrustedRun } from '../../sandbox/untrusted-run.js';
import { runCheckList, type CheckResult, type NamedCheckConfig } from './run-checks.js';

export type { CheckResult, NamedCheckConfig } from './run-checks.js';
export { summarizeFailures } from './check-summary.js';

export interface CheckActivityDeps {
  /** Running checks are recorded in `<workDir>/agents`, next to agents, for the reaper; sandboxes get scratch dirs in `<workDir>/sandboxes`. */
  workDir: string;
  /** Checks run agent-written code: each runs in a sandbox, with no provider variables. */
  sandbox: SandboxSettings;
  secretEnvNames?: string[];
  secretValues?: string[];
  baseEnv?: NodeJS.ProcessEnv;
}

export function createCheckActivities(deps: CheckActivityDeps) {
  return {
    /** The repository's checks in a worktree, in order; heartbeats while they run, cancellable. */
    async runChecks(input: { worktreePath: string; checks: NamedCheckConfig[]; network?: NetworkPolicy }): Promise<CheckResult[]> {
      const context = Context.current();
      const { results, cancelled } = await runCheckList({
        worktreePath: input.worktreePath,
        checks: input.checks,
        openSandbox: (key) =>
          openUntrustedRun(deps.sandbox, {
            kind: 'check',
            worktree: input.worktreePath,
            key,
            base: deps.baseEnv ?? process.env,
            secretEnvNames: deps.secretEnvNames ?? [],
            secretValues: deps.secretValues ?? [],
            runVars: {},
            network: input.network,
            onDroppedPath: (d) => context.log.warn(`sandbox: ${d.path} is not mounted: ${d.reason}`),
          }),
        signal: context.cancellationSignal,
        onHeartbeat: () => context.heartbeat(),
        registryDir: join(deps.workDir, 'agents'),
      });
      if (cancelled) {
        const reason: unknown = context.cancellationSignal.reason;
        throw reason instanceof CancelledFailure ? reason : new CancelledFailure('checks were cancelled');
      }
      return results;
    },
  };
}
