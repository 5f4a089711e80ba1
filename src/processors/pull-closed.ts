import { WorkflowNotFoundError } from '@temporalio/client';
import { featureIdOf, githubWorkflowId, pullClosedWorkflowId } from '../github/workflow-ids.js';
import type { FeaturePullClosedRequest, StartResult } from '../domain/processor-port.js';
import { cancelSignal } from '../workflows/feature-orchestration/messages.js';
import type { PullClosedWorkflow } from '../workflows/pull-closed/workflow.js';
import { startOnce, type ProcessorContext } from './context.js';
import { orchestratorStart, repoTargetOf } from './start-options.js';

/**
 * A closed or merged feature PR ends its build: the feature is cancelled if it still runs, and
 * PullClosedWorkflow deletes the unit branches once it has stopped (as the repo config says).
 */
export async function featurePullClosed(ctx: ProcessorContext, request: FeaturePullClosedRequest): Promise<StartResult> {
  const buildId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.issueNumber, kind: 'build' });
  try {
    await ctx.client.workflow.getHandle(featureIdOf(buildId)).signal(cancelSignal);
  } catch (err) {
    // No feature ran, or it has finished: nothing to cancel.
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  const workflowId = pullClosedWorkflowId(buildId);
  return startOnce(ctx, workflowId, () =>
    ctx.client.workflow.start<typeof PullClosedWorkflow>('PullClosedWorkflow', {
      ...orchestratorStart(workflowId, request, {
        kind: 'pull-closed',
        issue: request.issueNumber,
        summary: `Pull request #${request.prNumber} ${request.merged ? 'merged' : 'closed'}`,
      }),
      args: [
        {
          ...repoTargetOf(request),
          prNumber: request.prNumber,
          merged: request.merged,
          featureSlug: request.featureSlug,
          buildWorkflowId: buildId,
        },
      ],
    }),
  );
}
