import { condition, patched, proxyActivities, startChild, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { HostActivities, OrchestratorActivities } from '../../activities/index.js';
import { childRunOptions } from '../../domain/search-attributes.js';
import { featureSettings } from '../feature-settings.js';
import { ORCHESTRATOR_QUEUE } from '../../domain/task-queues.js';
import { FeatureOrchestrationWorkflow } from '../feature-orchestration/workflow.js';
import { onClaimedHost } from '../host-claim.js';
import { claimHost } from '../shared-activities.js';
import { hostActivityOptions } from '../host-options.js';
import { BuildCheckRun } from './check-run.js';
import { featureIdOf } from '../../github/workflow-ids.js';
import type { BuildInput, BuildResult, BuildRetry } from './messages.js';
import { finalComment } from './final-comment.js';
import { CONFIG_INVALID, GITHUB_NOT_CONFIGURED, UNSAFE_REMOTE } from '../../domain/failure-types.js';

/** patched() id: the build keeps an `aidp` check run on its feature PR. */
const CHECK_RUN_PATCH = 'build-check-run';
/** patched() id: a build whose host is lost while reading the repo config claims another host. */
export const BUILD_HOST_CLAIM_PATCH = 'aidp-build-fresh-host';

const github = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: [GITHUB_NOT_CONFIGURED] },
});

/**
 * `aidp-build` on an issue: read the repo config from the default branch, build the feature
 * (decompose → units → merge → PR), and keep one status comment on the issue. A run with
 * `retry` (from `/aidp retry` after the build ended) is the feature's next run instead.
 */
export async function BuildProcessorWorkflow(input: BuildInput): Promise<BuildResult> {
  const info = workflowInfo();
  const target = { installationId: input.installationId, owner: input.owner, repo: input.repo };
  const featureWorkflowId = featureIdOf(info.workflowId);
  const started = input.retry ? await startRetry(input, input.retry, featureWorkflowId) : await startBuild(input, featureWorkflowId);
  if ('failed' in started) return started.failed;
  const { feature, commentId } = started;
  // Builds started before the check run existed keep replaying without one.
  const checkRun = patched(CHECK_RUN_PATCH) ? new BuildCheckRun(input) : undefined;
  await checkRun?.open(input.retry?.pullNumber, `aidp is building ${input.retry ? 'the failed units again' : 'this feature'}.`);

  // The status comment (and the check run) follow the build, edited at most every statusEveryMs and only on change.
  let done = false;
  const live = (async () => {
    let shown = '';
    while (!(await condition(() => done, input.statusEveryMs))) {
      const markdown = await github.featureStatusMarkdown({ workflowId: featureWorkflowId, uiUrl: input.uiUrl });
      if (markdown && markdown !== shown) {
        await github.updateComment({ ...target, commentId, body: markdown });
        await checkRun?.follow(markdown);
        shown = markdown;
      }
    }
  })();
  const result = await feature.result();
  done = true;
  await live;
  // The sandbox's Date is workflow time (the current workflow task's), the same on replay.
  // eslint-disable-next-line no-restricted-syntax
  const elapsedMs = Date.now() - info.runStartTime.getTime();
  const checkRunUrl = await checkRun?.complete(result);
  await github.updateComment({ ...target, commentId, body: finalComment(result, { uiUrl: input.uiUrl, elapsedMs, checkRunUrl }) });
  return { status: result.status, featureWorkflowId, prUrl: result.merge?.pr?.url, error: result.error, statusCommentId: commentId };
}

type Started = { feature: ChildWorkflowHandle<typeof FeatureOrchestrationWorkflow>; commentId: number } | { failed: BuildResult };

/** A first build: the repo config from the default branch, the plan or issue body, a new status comment. */
async function startBuild(input: BuildInput, featureWorkflowId: string): Promise<Started> {
  const target = { installationId: input.installationId, owner: input.owner, repo: input.repo };
  const claimed = await claimHost();

  let config;
  try {
    config = await onClaimedHost({ what: `config read of build for issue #${input.issueNumber}`, claim: claimHost, patchId: BUILD_HOST_CLAIM_PATCH, claimed }, (hostQueue) =>
      proxyActivities<HostActivities>(
        hostActivityOptions(hostQueue, { startToClose: '30m', retry: { maximumAttempts: 3, nonRetryableErrorTypes: [CONFIG_INVALID, UNSAFE_REMOTE] } }),
      ).loadRepoConfigAt({ remoteUrl: input.cloneUrl, branch: input.defaultBranch }),
    );
  } catch (err) {
    const why = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    await github.postComment({
      ...target,
      issueNumber: input.issueNumber,
      body: `aidp could not start: ${why}\n\nFix \`.github/aidp.yml\` on \`${input.defaultBranch}\`, then add the label again.`,
    });
    return { failed: { status: 'failed', error: why } };
  }

  // A plan comment (with a person's edits) wins over the issue body.
  const plan = await github.latestPlan({ ...target, issueNumber: input.issueNumber });
  const specText = plan ? `# ${input.title}\n\n${plan}` : input.body;
  const comment = await github.postComment({
    ...target,
    issueNumber: input.issueNumber,
    body: `aidp is building this issue for @${input.requestedBy}: splitting it into units.${input.uiUrl ? ` [Temporal Web UI](${input.uiUrl})` : ''}\n\nComment \`/aidp status\` for progress, \`/aidp pause\` or \`/aidp cancel\` to stop.`,
  });
  const feature = await startChild(FeatureOrchestrationWorkflow, {
    workflowId: featureWorkflowId,
    taskQueue: ORCHESTRATOR_QUEUE,
    ...childRunOptions(workflowInfo().typedSearchAttributes, 'feature', input.title),
    args: [
      {
        title: input.title,
        featureSlug: input.featureSlug,
        specText,
        repo: { remoteUrl: input.cloneUrl, baseBranch: input.defaultBranch },
        decomposeCwd: input.decomposeCwd,
        settings: featureSettings(config),
        uiUrl: input.uiUrl,
        github: { ...target, issueNumber: input.issueNumber },
      },
    ],
  });
  return { feature, commentId: comment.id };
}

/**
 * `/aidp retry` after the build finished: the feature's next run under the same id, with the
 * settings and spec of the build before, into the same feature branch and PR; same status comment.
 */
async function startRetry(input: BuildInput, retry: BuildRetry, featureWorkflowId: string): Promise<Started> {
  const target = { installationId: input.installationId, owner: input.owner, repo: input.repo };
  const units = retry.units.map((id) => `\`${id}\``).join(', ');
  const body = `aidp is running ${retry.units.length === 1 ? 'unit' : 'units'} ${units} again for @${input.requestedBy}; completed units are kept.${input.uiUrl ? ` [Temporal Web UI](${input.uiUrl})` : ''}\n\nComment \`/aidp status\` for progress, \`/aidp pause\` or \`/aidp cancel\` to stop.`;
  let commentId = retry.statusCommentId;
  if (commentId === undefined) commentId = (await github.postComment({ ...target, issueNumber: input.issueNumber, body })).id;
  else await github.updateComment({ ...target, commentId, body });
  const feature = await startChild(FeatureOrchestrationWorkflow, {
    workflowId: featureWorkflowId,
    taskQueue: ORCHESTRATOR_QUEUE,
    ...childRunOptions(workflowInfo().typedSearchAttributes, 'feature', input.title),
    args: [retry.feature],
  });
  return { feature, commentId };
}
