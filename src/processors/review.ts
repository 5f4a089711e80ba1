import { githubWorkflowId } from '../github/workflow-ids.js';
import type { ReviewRequest, StartResult } from '../domain/processor-port.js';
import type { ReviewWorkflow } from '../workflows/review/workflow.js';
import { startOnce, type ProcessorContext } from './context.js';
import { orchestratorStart, repoTargetOf } from './start-options.js';

/** Review: `aidp-review` or `/aidp review` on a PR → ReviewWorkflow, one at a time per PR. */
export function startReview(ctx: ProcessorContext, request: ReviewRequest): Promise<StartResult> {
  const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.prNumber, kind: 'review' });
  return startOnce(ctx, workflowId, () =>
    ctx.client.workflow.start<typeof ReviewWorkflow>('ReviewWorkflow', {
      ...orchestratorStart(workflowId, request, { kind: 'review', issue: request.prNumber, requester: request.requestedBy, summary: `Review of pull request #${request.prNumber}` }),
      args: [{ ...repoTargetOf(request), prNumber: request.prNumber, agentCwd: '' }],
    }),
  );
}
