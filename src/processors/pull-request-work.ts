import type { PullRequestTarget } from '../domain/processor-port.js';
import type { PullRequestWorkKind } from '../workflows/pr-work/messages.js';
import type { PullRequestWorkWorkflow } from '../workflows/pr-work/workflow.js';
import type { ProcessorContext } from './context.js';
import { orchestratorStart, repoTargetOf } from './start-options.js';

/** CiFix and ChangeRequest share one workflow: a work loop on the PR's branch. */
export function startPullRequestWork(
  ctx: ProcessorContext,
  workflowId: string,
  request: PullRequestTarget & { kind: PullRequestWorkKind; instruction: string; reviewId?: number; requestedBy?: string; attempt: number },
) {
  return ctx.client.workflow.start<typeof PullRequestWorkWorkflow>('PullRequestWorkWorkflow', {
    ...orchestratorStart(workflowId, request, {
      kind: request.kind,
      issue: request.prNumber,
      requester: request.requestedBy,
      summary: `${request.kind === 'ci-fix' ? 'CI fix' : 'Requested changes'} for pull request #${request.prNumber}`,
    }),
    args: [
      {
        kind: request.kind,
        ...repoTargetOf(request),
        prNumber: request.prNumber,
        headBranch: request.headBranch,
        headSha: request.headSha,
        instruction: request.instruction,
        reviewId: request.reviewId,
        requestedBy: request.requestedBy,
        attempt: request.attempt,
      },
    ],
  });
}
