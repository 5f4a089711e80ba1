import { githubWorkflowId } from '../github/workflow-ids.js';
import type { ChangeRequestRequest, StartResult } from '../domain/processor-port.js';
import { startOnce, type ProcessorContext } from './context.js';
import { startPullRequestWork } from './pull-request-work.js';

/** ChangeRequest: `aidp-request-changes`, `/aidp change <what>`, a writer's "changes requested" review. */
export function startChangeRequest(ctx: ProcessorContext, request: ChangeRequestRequest): Promise<StartResult> {
  const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.prNumber, kind: 'change-request' });
  return startOnce(ctx, workflowId, () => startPullRequestWork(ctx, workflowId, { ...request, kind: 'change-request', attempt: 1 }));
}
