import { refusalWorkflowId } from '../github/workflow-ids.js';
import type { RefusalReplyClaim } from '../domain/processor-port.js';
import type { RefusalWindowWorkflow } from '../workflows/refusal-window/workflow.js';
import { startUnlessTaken, type ProcessorContext } from './context.js';
import { orchestratorStart } from './start-options.js';

/** At most one refusal reply per person and issue in this long. */
export const REFUSAL_WINDOW_MS = 10 * 60_000;
/** Closes the window even when no worker ever runs the workflow. */
const NO_WORKER_SLACK_MS = 60_000;

/**
 * True when no refusal went to this person on this issue in the last window: the window's
 * workflow is started, and the caller replies. False while a window runs (any server process
 * started it, before or after a restart): the caller stays silent.
 */
export async function claimRefusalReply(ctx: ProcessorContext, claim: RefusalReplyClaim, windowMs = REFUSAL_WINDOW_MS): Promise<boolean> {
  const workflowId = refusalWorkflowId(claim);
  return startUnlessTaken(ctx, () =>
    ctx.client.workflow.start<typeof RefusalWindowWorkflow>('RefusalWindowWorkflow', {
      ...orchestratorStart(workflowId, claim, { kind: 'refusal', issue: claim.number, requester: claim.login }),
      workflowExecutionTimeout: windowMs + NO_WORKER_SLACK_MS,
      args: [{ windowMs }],
    }),
  );
}
