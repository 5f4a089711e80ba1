import { runStartOptions } from '../domain/search-attributes.js';
import { githubWorkflowId } from '../github/workflow-ids.js';
import type { ReviewRequest, StartResult } from '../domain/processor-port.js';
import { ORCHESTRATOR_QUEUE } from '../domain/task-queues.js';
import type { ReviewWorkflow } from '../workflows/review/workflow.js';
import { startOnce, type ProcessorContext } from './context.js';

/** Review: `aidp-review` or `/aidp review` on a PR → ReviewWorkflow, one at a time per PR. */
export function startReview(ctx: ProcessorContext, request: ReviewRequest): Promise<StartResult> {
  const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.prNumber, kind: 'review' });
  return startOnce(ctx, workflowId, () =>
    ctx.client.workflow.start<typeof ReviewWorkflow>('ReviewWorkflow', {
      workflowId,
      taskQueue: ORCHESTRATOR_QUEUE,
      ...runStartOptions({ kind: 'review', repository: `${request.owner}/${request.repo}`, issue: request.prNumber, requester: request.requestedBy, summary: `Review of pull request #${request.prNumber}` }),
      args: [
        {
          owner: request.owner,
          repo: request.repo,
          installationId: request.installationId,
          cloneUrl: request.cloneUrl,
          defaultBranch: request.defaultBranch,
          prNumber: request.prNumber,
          agentCwd: '',
        },
      ],
    }),
  );
}
