import { log, proxyActivities } from '@temporalio/workflow';
import type { OrchestratorActivities } from '../../activities/index.js';
import type { BuildCheckRunRef } from '../../activities/github/build-check-run.js';
import { retryableUnits } from '../../domain/retry-selection.js';
import type { FeatureResult } from '../feature-orchestration/messages.js';
import { finalComment } from './final-comment.js';
import type { BuildInput } from './messages.js';
import { GITHUB_NOT_CONFIGURED } from '../../domain/failure-types.js';

const github = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [GITHUB_NOT_CONFIGURED] },
});

function conclusionOf(result: FeatureResult): 'success' | 'failure' | 'neutral' {
  if (result.status === 'completed') return 'success';
  return result.status === 'cancelled' ? 'neutral' : 'failure';
}

function titleOf(result: FeatureResult): string {
  const merged = result.merge?.merged.length ?? result.carried.merged.length;
  return `${merged} of ${result.total_units} units merged${result.status === 'cancelled' ? ' (cancelled)' : ''}`;
}

/**
 * The build's `aidp` check run on its feature PR's head: in progress while a build that has a PR
 * runs (a retry), its summary following the status comment, and completed with the units table
 * once the build ends. A check run that GitHub refuses never fails the build: it is logged.
 */
export class BuildCheckRun {
  private run?: BuildCheckRunRef;

  constructor(private readonly input: BuildInput) {}

  private get target() {
    return { installationId: this.input.installationId, owner: this.input.owner, repo: this.input.repo };
  }

  private async attempt<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      log.warn(`aidp check run: could not ${what}`, { error: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  }

  /** In progress on the head of the build's PR, when it already has one. */
  async open(prNumber: number | undefined, summary: string): Promise<void> {
    if (prNumber === undefined) return;
    const run = await this.attempt('start', () =>
      github.openBuildCheckRun({ ...this.target, prNumber, issueNumber: this.input.issueNumber, detailsUrl: this.input.uiUrl, summary }),
    );
    this.run = run ?? undefined;
  }

  async follow(summary: string): Promise<void> {
    const run = this.run;
    if (run) await this.attempt('update', () => github.updateBuildCheckRun({ ...this.target, checkRunId: run.id, summary }));
  }

  /** Completed with the outcome on the PR's head; its URL, or undefined when the build has no PR. */
  async complete(result: FeatureResult): Promise<string | undefined> {
    const headSha = result.merge?.headSha ?? this.run?.headSha;
    if (headSha === undefined || (!result.merge?.pr && !this.run)) return undefined;
    const base = { ...this.target, issueNumber: this.input.issueNumber, detailsUrl: this.input.uiUrl };
    const earlier = this.run;
    if (earlier && earlier.headSha !== headSha) {
      await this.attempt('supersede', () =>
        github.completeBuildCheckRun({
          ...base,
          checkRunId: earlier.id,
          headSha: earlier.headSha,
          conclusion: 'neutral',
          title: 'Superseded',
          summary: `aidp pushed ${headSha.slice(0, 12)} to the feature branch; the check run on that commit has the result.`,
          retryable: false,
        }),
      );
    }
    const done = await this.attempt('complete', () =>
      github.completeBuildCheckRun({
        ...base,
        checkRunId: earlier?.headSha === headSha ? earlier.id : undefined,
        headSha,
        conclusion: conclusionOf(result),
        title: titleOf(result),
        summary: finalComment(result, { uiUrl: this.input.uiUrl }),
        retryable: retryableUnits(result).length > 0,
      }),
    );
    return done?.url || undefined;
  }
}
