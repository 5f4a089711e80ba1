import { WorkflowFailedError } from '@temporalio/client';
import { selectRetry } from '../domain/retry-selection.js';
import { featureIdOf, githubWorkflowId } from '../github/workflow-ids.js';
import type { ItemRef, MessageResult } from '../domain/processor-port.js';
import type { BuildInput, BuildResult } from '../workflows/build-processor/messages.js';
import type { BuildProcessorWorkflow } from '../workflows/build-processor/workflow.js';
import type { FeatureResult } from '../workflows/feature-orchestration/messages.js';
import { startOnce, type ProcessorContext } from './context.js';
import { orchestratorStart } from './start-options.js';

/** The status comment of the finished build, when its result says which one it kept. */
async function statusCommentOf(ctx: ProcessorContext, buildId: string): Promise<number | undefined> {
  try {
    const result: BuildResult = await ctx.client.workflow.getHandle(buildId).result();
    return result.statusCommentId;
  } catch (err) {
    // A build that failed or was terminated kept no comment we know of: the retry posts a new one.
    if (err instanceof WorkflowFailedError) return undefined;
    throw err;
  }
}

/**
 * `/aidp retry [unit…]` once an issue's build has finished: a new run of the build under the same
 * id that runs the failed, cancelled and conflicted units again and carries the rest over, into
 * the same feature branch and PR. Nothing waits for it: the new run reports in the status comment.
 */
export async function retryFinishedBuild(ctx: ProcessorContext, item: ItemRef & { units: string[]; requestedBy: string }): Promise<MessageResult> {
  const buildId = githubWorkflowId({ owner: item.owner, repo: item.repo, number: item.number, kind: 'build' });
  const build = ctx.client.workflow.getHandle(buildId);
  if ((await build.describe()).status.name === 'RUNNING') {
    return { delivered: false, reason: 'the build is writing its last status; send the command again in a minute' };
  }
  let previous: FeatureResult;
  try {
    previous = await ctx.client.workflow.getHandle(featureIdOf(buildId)).result();
  } catch (err) {
    if (err instanceof WorkflowFailedError) return { delivered: false, reason: 'the last build ended without a result to retry from; add the label again to start over' };
    throw err;
  }
  const selection = selectRetry(previous, item.units);
  if ('problem' in selection) return { delivered: false, reason: selection.problem };

  const request = previous.request;
  const input: BuildInput = {
    owner: item.owner,
    repo: item.repo,
    issueNumber: item.number,
    installationId: item.installationId,
    cloneUrl: request.repo.remoteUrl,
    defaultBranch: request.repo.baseBranch,
    title: request.title,
    body: request.specText,
    featureSlug: request.featureSlug,
    requestedBy: item.requestedBy,
    uiUrl: ctx.uiUrlOf?.(buildId),
    decomposeCwd: request.decomposeCwd,
    statusEveryMs: ctx.statusEveryMs,
    retry: {
      feature: {
        ...request,
        github: request.github ? { ...request.github, installationId: item.installationId } : undefined,
        carried: { ...previous.carried, paused: false, retry: selection.retry },
      },
      units: selection.retry,
      statusCommentId: await statusCommentOf(ctx, buildId),
      pullNumber: previous.merge?.pr?.number,
    },
  };
  const { started } = await startOnce(ctx, buildId, () =>
    ctx.client.workflow.start<typeof BuildProcessorWorkflow>('BuildProcessorWorkflow', {
      ...orchestratorStart(buildId, item, { kind: 'build', issue: item.number, requester: item.requestedBy, summary: request.title }),
      args: [input],
    }),
  );
  return started ? { delivered: true, workflowId: buildId } : { delivered: false, reason: 'a retry of this build is already running' };
}
