import { runStartOptions } from '../domain/search-attributes.js';
import { githubWorkflowId } from '../github/workflow-ids.js';
import type { PlanRequest, StartResult } from '../domain/processor-port.js';
import { ORCHESTRATOR_QUEUE } from '../domain/task-queues.js';
import type { PlanWorkflow } from '../workflows/plan/workflow.js';
import { startOnce, type ProcessorContext } from './context.js';

/** Plan: `aidp-plan` or `/aidp plan` on an issue → PlanWorkflow, one at a time per issue. */
export function startPlan(ctx: ProcessorContext, request: PlanRequest): Promise<StartResult> {
  const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.issueNumber, kind: 'plan' });
  return startOnce(ctx, workflowId, () =>
    ctx.client.workflow.start<typeof PlanWorkflow>('PlanWorkflow', {
      workflowId,
      taskQueue: ORCHESTRATOR_QUEUE,
      ...runStartOptions({ kind: 'plan', repository: `${request.owner}/${request.repo}`, issue: request.issueNumber, requester: request.requestedBy, summary: `Plan: ${request.title}` }),
      args: [
        {
          owner: request.owner,
          repo: request.repo,
          installationId: request.installationId,
          cloneUrl: request.cloneUrl,
          defaultBranch: request.defaultBranch,
          issueNumber: request.issueNumber,
          title: request.title,
          body: request.body,
        },
      ],
    }),
  );
}
