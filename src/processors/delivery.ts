import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { deliveryWorkflowId } from '../github/workflow-ids.js';
import type { DeferredDelivery } from '../domain/processor-port.js';
import type { StartResult } from '../domain/processor-port.js';
import { ORCHESTRATOR_QUEUE } from '../domain/task-queues.js';
import type { DeliveryWorkflow } from '../workflows/delivery/workflow.js';
import type { ProcessorContext } from './context.js';

/**
 * A delivery whose work needs GitHub → DeliveryWorkflow, one per delivery id. REJECT_DUPLICATE:
 * a redelivery finds the id taken, running or closed, and starts nothing; a new delivery (the
 * label added again, a second command) has a new id and acts. Not counted in
 * `aidp_workflows_started_total`: the work it leads to is, when its activity starts it.
 */
export async function acceptDelivery(ctx: ProcessorContext, delivery: DeferredDelivery): Promise<StartResult> {
  const workflowId = deliveryWorkflowId(delivery.owner, delivery.repo, delivery.id);
  try {
    await ctx.client.workflow.start<typeof DeliveryWorkflow>('DeliveryWorkflow', {
      workflowId,
      taskQueue: ORCHESTRATOR_QUEUE,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [delivery],
    });
    return { workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw err;
  }
}
