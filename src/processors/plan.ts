import { githubWorkflowId } from '../github/workflow-ids.js';
import type { PlanRequest, StartResult } from '../domain/processor-port.js';
import type { PlanWorkflow } from '../workflows/plan/workflow.js';
import { startOnce, type ProcessorContext } from './context.js';
import { orchestratorStart, repoTargetOf } from './start-options.js';

/** Plan: `aidp-plan` or `/aidp plan` on an issue → PlanWorkflow, one at a time per issue. */
export function startPlan(ctx: ProcessorContext, request: PlanRequest): Promise<StartResult> {
  const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.issueNumber, kind: 'plan' });
  return startOnce(ctx, workflowId, () =>
    ctx.client.workflow.start<typeof PlanWorkflow>('PlanWorkflow', {
      ...orchestratorStart(workflowId, request, { kind: 'plan', issue: request.issueNumber, requester: request.requestedBy, summary: `Plan: ${request.title}` }),
      args: [{ ...repoTargetOf(request), issueNumber: request.issueNumber, title: request.title, body: request.body }],
    }),
  );
}
