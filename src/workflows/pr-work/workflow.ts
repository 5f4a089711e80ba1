import { CancellationScope, executeChild, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { HostActivities } from '../../activities/index.js';
import { childRunOptions } from '../../domain/search-attributes.js';
import { workLoopWorkflowId } from '../../domain/child-workflow-ids.js';
import { setupKeepOut, setupSeconds } from '../../domain/setup.js';
import { featureSettings } from '../feature-settings.js';
import { AGENT_QUEUE, UNIT_WORKFLOW_TASK_TIMEOUT } from '../../domain/task-queues.js';
import { environmentFailure, workerOf } from '../environment-failure.js';
import { onClaimedHost } from '../host-claim.js';
import { claimHost, github } from '../shared-activities.js';
import { hostActivityOptions } from '../host-options.js';
import { WorkLoopWorkflow } from '../work-loop/workflow.js';
import type { PullRequestWorkInput, PullRequestWorkResult } from './messages.js';
import { logSwallowed } from '../swallowed.js';
import { innermostMessage } from '../../domain/innermost-message.js';
import { BASE_BRANCH_MISSING, BRANCH_MOVED, CONFIG_INVALID, UNSAFE_BRANCH, UNSAFE_REMOTE } from '../../domain/failure-types.js';


/** patched() id: PR work whose host is lost claims another host and starts its host part over. */
export const PR_WORK_HOST_CLAIM_PATCH = 'aidp-pr-work-fresh-host';

const TITLES = { 'ci-fix': 'aidp CI fix', 'change-request': 'aidp change request' } as const;

/**
 * CiFix and ChangeRequest: a work loop on the PR's own branch, fed the failed checks or the
 * requested change; the fix is pushed to the PR, with a check run on its head and one reply.
 */
export async function PullRequestWorkWorkflow(input: PullRequestWorkInput): Promise<PullRequestWorkResult> {
  const info = workflowInfo();
  const target = { installationId: input.installationId, owner: input.owner, repo: input.repo };
  const name = TITLES[input.kind];
  const hostOf = (queue: string) =>
    proxyActivities<HostActivities>(
      hostActivityOptions(queue, {
        startToClose: '30m',
        retry: { maximumAttempts: 3, nonRetryableErrorTypes: [CONFIG_INVALID, UNSAFE_BRANCH, UNSAFE_REMOTE, BASE_BRANCH_MISSING, BRANCH_MOVED] },
      }),
    );
  /** The host holding the worktree; another one once this one is lost. */
  let hostQueue = await claimHost();
  let worktreePath: string | undefined;
  const claim = {
    what: `${name} for pull request #${input.prNumber}`,
    claim: claimHost,
    patchId: PR_WORK_HOST_CLAIM_PATCH,
    // A lost host answers nobody: its worktree is left for that host's next run to clean.
    onLost: () => void (worktreePath = undefined),
  };
  let config;
  try {
    config = await onClaimedHost({ ...claim, claimed: hostQueue }, (queue) => {
      hostQueue = queue;
      return hostOf(queue).loadRepoConfigAt({ remoteUrl: input.cloneUrl, branch: input.defaultBranch });
    });
  } catch (err) {
    await github.postComment({ ...target, issueNumber: input.prNumber, body: `${name}: could not start: ${innermostMessage(err)}` });
    return { status: 'failed', iterations: 0, reason: innermostMessage(err) };
  }
  if (input.kind === 'ci-fix' && input.attempt > config.ci_fix.max_attempts) {
    await github.postComment({
      ...target,
      issueNumber: input.prNumber,
      body: `${name}: not trying again: ${config.ci_fix.max_attempts} attempt(s) on this commit already (\`ci_fix.max_attempts\`). Push a fix, or comment \`/aidp fix-ci\` after a new commit.`,
    });
    return { status: 'failed', iterations: 0, reason: 'ci_fix.max_attempts reached for this commit' };
  }
  const check = await github.startCheckRun({ ...target, headSha: input.headSha, name, summary: 'aidp is working on this pull request.' });
  const finish = async (result: PullRequestWorkResult): Promise<PullRequestWorkResult> => {
    const pushed = result.status === 'pushed';
    const summary = pushed
      ? `Pushed ${result.sha?.slice(0, 7)} after ${result.iterations} iteration(s).`
      : `No fix was pushed: ${result.reason}`;
    await github.finishCheckRun({ ...target, checkRunId: check.id, conclusion: pushed ? 'success' : 'failure', title: name, summary });
    const next = pushed ? '' : input.kind === 'ci-fix' ? ' Comment `/aidp fix-ci` to try again.' : ' Comment `/aidp change <what>` with more detail to try again.';
    await github.postComment({ ...target, issueNumber: input.prNumber, body: `${name}: ${summary}${next}` });
    return result;
  };

  try {
    const settings = featureSettings(config);
    const task =
      input.kind === 'ci-fix'
        ? `CI failed on this pull request. Make the failing checks pass.\n\n${await github.failedCheckOutput({ ...target, headSha: input.headSha })}`
        : input.instruction ||
          (input.reviewId
            ? `A reviewer requested these changes:\n${await github.reviewComments({ ...target, prNumber: input.prNumber, reviewId: input.reviewId })}`
            : 'A reviewer requested changes without saying which; read the pull request and improve it.');
    const result = await onClaimedHost({ ...claim, claimed: hostQueue }, async (queue, attempt): Promise<PullRequestWorkResult> => {
      hostQueue = queue;
      const host = hostOf(queue);
      const worktree = await host.prepareWorktree({
        remoteUrl: input.cloneUrl,
        baseBranch: input.headBranch,
        featureSlug: `pr-${input.prNumber}`,
        unitSlug: input.kind,
        branch: input.headBranch,
      });
      worktreePath = worktree.worktreePath;
      let keepOut = setupKeepOut(settings.setup);
      if (settings.setup && patched('aidp-pr-setup')) {
        const setup = await proxyActivities<HostActivities>(
          hostActivityOptions(queue, { startToClose: setupSeconds(settings.setup) * 1000, retry: { maximumAttempts: 1 } }),
        ).runSetup({ worktreePath: worktree.worktreePath, remoteUrl: input.cloneUrl, setup: settings.setup });
        if (!setup.ok) throw environmentFailure(`setup failed on worker ${workerOf(queue)}; no agent ran. ${setup.failure ?? ''}`);
        keepOut = [...new Set([...keepOut, ...(setup.produced ?? [])])];
      }
      const loop = await executeChild(WorkLoopWorkflow, {
        // A loop on a new host is a new child: the one on the lost host has failed under the first id.
        workflowId: workLoopWorkflowId(info.workflowId, attempt === 1 ? undefined : attempt),
        taskQueue: AGENT_QUEUE,
        workflowTaskTimeout: UNIT_WORKFLOW_TASK_TIMEOUT,
        ...childRunOptions(info.typedSearchAttributes, 'work-loop', `${name} for pull request #${input.prNumber}`),
        args: [
          {
            unitId: `pr-${input.prNumber}-${input.kind}`,
            title: `${name} for pull request #${input.prNumber}`,
            task,
            conventions: settings.conventions,
            worktreePath: worktree.worktreePath,
            baseSha: worktree.baseSha,
            hostQueue: queue,
            providers: settings.providers,
            agentTimeoutMs: settings.agentTimeoutMs,
            checks: settings.checks,
            maxIterations: settings.maxIterations,
            instructions: [],
            network: settings.network,
            promptKey: `pr-${input.prNumber}--${input.kind}--${info.runId.slice(0, 8)}${attempt === 1 ? '' : `-h${attempt}`}`,
            ...(keepOut.length ? { keepOut } : {}),
          },
        ],
      });
      if (!loop.ok) return { status: 'failed', iterations: loop.iterations, reason: loop.reason };
      const commit = await host.commitAll({
        worktreePath: worktree.worktreePath,
        message: `${name}\n\nRequested on #${input.prNumber}`,
        ...(keepOut.length ? { keepOut } : {}),
      });
      if (!commit) return { status: 'failed', iterations: loop.iterations, reason: 'nothing changed' };
      // People push to this branch too: the push lands only if nobody did while the agent worked.
      const pushed = await host.pushBranch({
        worktreePath: worktree.worktreePath,
        branch: input.headBranch,
        remoteUrl: input.cloneUrl,
        expectedRemoteSha: worktree.baseSha,
      });
      return { status: 'pushed', sha: pushed.sha, iterations: loop.iterations };
    });
    return await finish(result);
  } catch (err) {
    return finish({ status: 'failed', iterations: 0, reason: innermostMessage(err) });
  } finally {
    const path = worktreePath;
    if (path) await CancellationScope.nonCancellable(() => hostOf(hostQueue).removeWorktree({ worktreePath: path }).catch(logSwallowed('remove the worktree', { worktreePath: path })));
  }
}
