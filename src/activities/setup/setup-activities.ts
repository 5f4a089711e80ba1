import type { SetupSettings } from '../../domain/setup.js';
import type { NetworkPolicy } from '../../domain/network-policy.js';
import type { CheckResult, NamedCheckConfig } from '../checks/run-checks.js';
import { runSetup, type SetupResult } from './run-setup.js';

export type { SetupResult } from './run-setup.js';

export interface BaselineResult {
  baseSha: string;
  /** Absent when the repository has no setup. */
  setup?: SetupResult;
  /** Empty when setup failed (nothing to check). */
  checks: CheckResult[];
}

export interface SetupActivityDeps {
  workDir: string;
  runChecks(input: { worktreePath: string; checks: NamedCheckConfig[]; network?: NetworkPolicy }): Promise<CheckResult[]>;
  prepareWorktree(input: { remoteUrl: string; baseBranch: string; featureSlug: string; unitSlug: string; branch: string }): Promise<{
    worktreePath: string;
    baseSha: string;
  }>;
  removeWorktree(input: { worktreePath: string }): Promise<void>;
  untrackedPaths(input: { worktreePath: string; limit?: number }): Promise<string[]>;
}

/** Worktree slug of a feature's baseline run (its worktree lives only while the baseline runs). */
export const BASELINE_SLUG = 'aidp-baseline';

export function createSetupActivities(deps: SetupActivityDeps) {
  const setupIn = (worktreePath: string, remoteUrl: string, setup: SetupSettings, fillCache: boolean): Promise<SetupResult> =>
    runSetup(
      {
        workDir: deps.workDir,
        runCommands: (cwd, commands) => deps.runChecks({ worktreePath: cwd, checks: commands, network: setup.network }),
      },
      { worktreePath, scope: remoteUrl, setup, fillCache },
    );

  return {
    /**
     * `setup` in a fresh worktree, before its first agent: from the host's cache when the
     * lockfiles match. Only a worktree of the untouched base may fill the cache (`fillCache`).
     */
    async runSetup(input: { worktreePath: string; remoteUrl: string; setup: SetupSettings; fillCache?: boolean }): Promise<SetupResult> {
      const result = await setupIn(input.worktreePath, input.remoteUrl, input.setup, input.fillCache ?? false);
      if (!result.ok) return result;
      const produced = await deps.untrackedPaths({ worktreePath: input.worktreePath, limit: 50 });
      return produced.length > 0 ? { ...result, produced } : result;
    },

    /**
     * The required checks on the untouched base, once per feature, in a worktree of its own that
     * is removed afterwards: setup first (which also fills this host's cache for the units).
     */
    async checkBaseline(input: {
      remoteUrl: string;
      baseBranch: string;
      featureSlug: string;
      setup?: SetupSettings;
      checks: NamedCheckConfig[];
      network?: NetworkPolicy;
    }): Promise<BaselineResult> {
      const worktree = await deps.prepareWorktree({
        remoteUrl: input.remoteUrl,
        baseBranch: input.baseBranch,
        featureSlug: input.featureSlug,
        unitSlug: BASELINE_SLUG,
        branch: `aidp/${input.featureSlug}/${BASELINE_SLUG}`,
      });
      try {
        const setup = input.setup ? await setupIn(worktree.worktreePath, input.remoteUrl, input.setup, true) : undefined;
        if (setup && !setup.ok) return { baseSha: worktree.baseSha, setup, checks: [] };
        const checks = await deps.runChecks({ worktreePath: worktree.worktreePath, checks: input.checks, network: input.network });
        return { baseSha: worktree.baseSha, ...(setup ? { setup } : {}), checks };
      } finally {
        await deps.removeWorktree({ worktreePath: worktree.worktreePath });
      }
    },
  };
}
