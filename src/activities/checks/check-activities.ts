import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { NetworkPolicy } from '../../sandbox/network.js';
import { buildAgentEnv } from '../agent/agent-env.js';
import { runCheckList, type CheckResult, type NamedCheckConfig } from './run-checks.js';

export type { CheckResult, NamedCheckConfig } from './run-checks.js';
export { summarizeFailures } from './check-summary.js';

export interface CheckActivityDeps {
  /** Running checks are recorded in `<workDir>/agents`, next to agents, for the reaper. */
  workDir?: string;
  /** Checks run agent-written code: they get the agents' secret-free environment. */
  secretEnvNames?: string[];
  secretValues?: string[];
  baseEnv?: NodeJS.ProcessEnv;
}

export function createCheckActivities(deps: CheckActivityDeps = {}) {
  return {
    /** The repository's checks in a worktree, in order; heartbeats while they run, cancellable. */
    async runChecks(input: { worktreePath: string; checks: NamedCheckConfig[]; network?: NetworkPolicy }): Promise<CheckResult[]> {
      const context = Context.current();
      const base = deps.baseEnv ?? process.env;
      const { results, cancelled } = await runCheckList({
        worktreePath: input.worktreePath,
        checks: input.checks,
        env: buildAgentEnv({
          base,
          secretEnvNames: deps.secretEnvNames ?? [],
          secretValues: deps.secretValues ?? [],
          // Test runners stay out of watch mode and interactive prompts.
          extra: base.CI === undefined ? { CI: 'true' } : {},
        }),
        signal: context.cancellationSignal,
        onHeartbeat: () => context.heartbeat(),
        registryDir: deps.workDir && join(deps.workDir, 'agents'),
      });
      if (cancelled) {
        const reason: unknown = context.cancellationSignal.reason;
        throw reason instanceof CancelledFailure ? reason : new CancelledFailure('checks were cancelled');
      }
      return results;
    },
  };
}
