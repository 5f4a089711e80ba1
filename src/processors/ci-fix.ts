import { ciFixWorkflowId } from '../github/workflow-ids.js';
import type { CiFixRequest, StartResult } from '../domain/processor-port.js';
import { startOnce, type ProcessorContext } from './context.js';
import { startPullRequestWork } from './pull-request-work.js';

/**
 * CiFix: a failed check on an aidp PR, `aidp-fix-ci` or `/aidp fix-ci` → one workflow id per
 * head commit, so the suite, run and workflow-run deliveries of one failure start one fix, and
 * the runs of one commit can be counted.
 */
export async function startCiFix(ctx: ProcessorContext, request: CiFixRequest): Promise<StartResult> {
  const workflowId = ciFixWorkflowId(request);
  let attempts = 0;
  for await (const _run of ctx.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) attempts++;
  if (attempts >= ctx.ciFixAttempts) return { workflowId, started: false };
  return startOnce(ctx, workflowId, () =>
    startPullRequestWork(ctx, workflowId, { ...request, kind: 'ci-fix', instruction: '', attempt: attempts + 1 }),
  );
}
