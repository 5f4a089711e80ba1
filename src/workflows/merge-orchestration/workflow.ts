import { ActivityCancellationType, CancellationScope, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AgentQueueActivities, HostActivities, OrchestratorActivities } from '../../activities/index.js';
import { dependencyBlocked, determineMergeOrder } from '../../domain/merge-order.js';
import { setupKeepOut, setupSeconds } from '../../domain/setup.js';
import { aggregateResults } from '../../domain/summary/aggregate.js';
import { renderFeatureSummary } from '../../domain/summary/render-summary.js';
import { agentNetwork, checkNetwork } from '../../sandbox/network-settings.js';
import { AGENT_QUEUE } from '../../domain/task-queues.js';
import type { UnitState } from '../../domain/feature-status.js';
import { environmentFailure, workerOf } from '../environment-failure.js';
import { hostGivenUp, onClaimedHost } from '../host-claim.js';
import { hostActivityOptions } from '../host-options.js';
import { conflictPrompt } from './conflict-prompt.js';
import type { MergeConflict, MergeInput, MergeResult, MergeRevert } from './messages.js';
import { logSwallowed } from '../swallowed.js';
import { GITHUB_NOT_CONFIGURED, PULL_REQUEST_REFUSED } from '../../domain/failure-types.js';

const { claimHost } = proxyActivities<AgentQueueActivities>({
  taskQueue: AGENT_QUEUE,
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 5 },
});

const github = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '1m',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: [PULL_REQUEST_REFUSED, GITHUB_NOT_CONFIGURED] },
});

/** patched() id: a merge whose host is lost claims another host and merges again from the start. */
export const MERGE_HOST_CLAIM_PATCH = 'aidp-merge-fresh-host';

function hostActivities(hostQueue: string, input: MergeInput) {
  const checksSeconds = input.checks.reduce((sum, c) => sum + c.timeout_seconds, 0);
  const once = { retry: { maximumAttempts: 1 }, cancellation: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED };
  return {
    git: proxyActivities<HostActivities>(hostActivityOptions(hostQueue, { startToClose: '30m', retry: { maximumAttempts: 3 } })),
    agent: proxyActivities<HostActivities>(hostActivityOptions(hostQueue, { ...once, startToClose: input.agentTimeoutMs * input.providers.length + 60_000 })),
    checks: proxyActivities<HostActivities>(hostActivityOptions(hostQueue, { ...once, startToClose: (checksSeconds + 60) * 1000 })),
  };
}

/** The merged unit whose files overlap the conflict, for the resolver's context. */
function conflictingWith(files: string[], merged: string[], units: UnitState[]): UnitState | undefined {
  return units.find((u) => merged.includes(u.spec.id) && u.filesChanged.some((f) => files.includes(f)));
}

/**
 * Completed units into one feature branch, one at a time in dependency order: a conflict goes to
 * a resolver agent (accepted only with no markers left and the checks passing), a merge that
 * breaks the checks is rolled back; then one PR (or, without GitHub, a summary file). Nothing
 * reaches origin before the final push, so a merge whose host is lost starts over on another.
 */
export async function MergeOrchestrationWorkflow(input: MergeInput): Promise<MergeResult> {
  return onClaimedHost({ what: `merge of feature ${input.featureSlug}`, claim: claimHost, patchId: MERGE_HOST_CLAIM_PATCH }, (hostQueue) =>
    mergeOnHost(input, hostQueue),
  );
}

async function mergeOnHost(input: MergeInput, hostQueue: string): Promise<MergeResult> {
  const { git, agent, checks } = hostActivities(hostQueue, input);
  const merged = [...input.alreadyMerged];
  const resolved: string[] = [];
  const conflicts: MergeConflict[] = [];
  const reverted: MergeRevert[] = [];
  const failedToMerge: string[] = [];
  const byId = new Map(input.units.map((u) => [u.spec.id, u]));

  const worktree = await git.prepareMergeWorktree({
    remoteUrl: input.repo.remoteUrl,
    baseBranch: input.repo.baseBranch,
    featureSlug: input.featureSlug,
    featureBranch: input.featureBranch,
  });
  const worktreePath = worktree.worktreePath;
  let lost = false;
  let keepOut: { keepOut?: string[] } = setupKeepOut(input.setup).length ? { keepOut: setupKeepOut(input.setup) } : {};
  try {
    if (input.setup && patched('aidp-merge-setup')) {
      const setup = await proxyActivities<HostActivities>(
        hostActivityOptions(hostQueue, { startToClose: setupSeconds(input.setup) * 1000, retry: { maximumAttempts: 1 } }),
      ).runSetup({ worktreePath, remoteUrl: input.repo.remoteUrl, setup: input.setup });
      if (!setup.ok) throw environmentFailure(`setup failed in the merge worktree on worker ${workerOf(hostQueue)}. ${setup.failure ?? ''}`);
      const paths = [...new Set([...setupKeepOut(input.setup), ...(setup.produced ?? [])])];
      if (paths.length > 0) keepOut = { keepOut: paths };
    }
    const candidates = input.units.filter((u) => u.status === 'completed' && !merged.includes(u.spec.id));
    const stats = candidates.length
      ? await git.diffStats({ worktreePath, baseSha: worktree.baseSha, branches: candidates.map((u) => u.branch) })
      : {};
    const plan = determineMergeOrder(
      input.units.map((u) => ({ id: u.spec.id, status: u.status, dependsOn: u.spec.dependsOn, diffLines: stats[u.branch]?.lines ?? 0 })),
      merged,
    );
    const skipped = plan.skipped.map((s) => ({ unitId: s.id, reason: s.reason }));

    for (const id of plan.order) {
      const unit = byId.get(id);
      if (!unit) continue;
      const blocked = dependencyBlocked(unit.spec, merged, failedToMerge);
      if (blocked) {
        skipped.push({ unitId: id, reason: blocked });
        failedToMerge.push(id);
        continue;
      }
      const before = await git.headSha({ worktreePath });
      const attempt = await git.mergeBranch({ worktreePath, branch: unit.branch, message: `Merge unit "${unit.spec.title}" (${unit.branch})` });
      if (attempt.status === 'conflict') {
        const other = conflictingWith(attempt.files, merged, input.units);
        const run = await agent.executeAgent({
          worktreePath,
          prompt: conflictPrompt({ unit, other, files: attempt.files, hunks: attempt.hunks, seed: workflowInfo().runId }),
          providers: input.providers,
          timeoutMs: input.agentTimeoutMs,
          unitId: `${id} (merge)`,
          iteration: 1,
          promptKey: `${input.featureSlug}--merge--${unit.spec.slug}`,
          network: agentNetwork(input.network, input.providers),
        });
        const markers = run.ok ? await git.conflictMarkersLeft({ worktreePath, files: attempt.files }) : attempt.files;
        const results = run.ok && markers.length === 0 ? await checks.runChecks({ worktreePath, checks: input.checks, network: checkNetwork(input.network) }) : [];
        const accepted = run.ok && markers.length === 0 && results.every((r) => r.passed || !r.required);
        if (!accepted) {
          await git.abortMerge({ worktreePath, ...keepOut });
          await git.resetTo({ worktreePath, sha: before, ...keepOut });
          conflicts.push({ unitId: id, files: attempt.files, with: other?.spec.id });
          failedToMerge.push(id);
          continue;
        }
        await git.concludeMerge({
          worktreePath,
          message: `Merge unit "${unit.spec.title}" (${unit.branch}), conflicts resolved by an agent`,
          ...keepOut,
        });
        resolved.push(id);
        merged.push(id);
        continue;
      }
      const results = await checks.runChecks({ worktreePath, checks: input.checks, network: checkNetwork(input.network) });
      const failing = results.find((r) => r.required && !r.passed);
      if (failing) {
        await git.resetTo({ worktreePath, sha: before, ...keepOut });
        reverted.push({ unitId: id, check: failing.name, outputTail: failing.outputTail.slice(-2000) });
        failedToMerge.push(id);
        continue;
      }
      merged.push(id);
    }

    const mergedNow = merged.length > input.alreadyMerged.length;
    const headSha = mergedNow
      ? (await git.pushFeatureBranch({ worktreePath, branch: input.featureBranch, remoteUrl: input.repo.remoteUrl })).sha
      : undefined;
    const thresholdMet = input.units.length > 0 && merged.length / input.units.length >= input.threshold;
    const aggregate = aggregateResults({
      units: input.units,
      merge: { merged, conflicts, reverted, skipped },
    });
    const summary = renderFeatureSummary({
      title: input.title,
      aggregate,
      featureBranch: input.featureBranch,
      uiUrl: input.uiUrl,
      closesIssue: input.github?.issueNumber,
      thresholdMet,
      threshold: input.threshold,
    });
    const result: MergeResult = {
      status: merged.length === 0 ? 'nothing_to_merge' : thresholdMet ? 'merged' : 'insufficient_merges',
      featureBranch: input.featureBranch,
      merged,
      resolved,
      conflicts,
      reverted,
      skipped,
      headSha,
    };
    if (input.github && thresholdMet) {
      result.pr = await github.createOrUpdateFeaturePR({
        installationId: input.github.installationId,
        owner: input.github.owner,
        repo: input.github.repo,
        head: input.featureBranch,
        base: input.repo.baseBranch,
        title: input.title,
        body: summary,
      });
    } else if (!input.github) {
      result.summaryPath = (await git.writeFeatureSummary({ featureSlug: input.featureSlug, markdown: summary })).path;
    }
    return result;
  } catch (err) {
    // A lost host answers nobody: its worktree is left for the next merge there to discard.
    if (hostGivenUp(err, MERGE_HOST_CLAIM_PATCH)) lost = true;
    throw err;
  } finally {
    if (!lost) await CancellationScope.nonCancellable(() => git.removeMergeWorktree({ worktreePath }).catch(logSwallowed('remove the merge worktree', { worktreePath })));
  }
}
