import { deliveryWorkflowId } from '../github/workflow-ids.js';
import type { DeferredDelivery } from '../domain/processor-port.js';
import type { StartResult } from '../domain/processor-port.js';
import type { DeliveryWorkflow } from '../workflows/delivery/workflow.js';
import { startUnlessTaken, type ProcessorContext } from './context.js';
import { orchestratorStart } from './start-options.js';

/** The issue or PR and the sender of a parsed payload, when it names them (for finding the run). */
function deliveryLabels(payload: unknown): { issue?: number; requester?: string } {
  const p = (payload ?? {}) as { issue?: { number?: unknown }; pull_request?: { number?: unknown }; sender?: { login?: unknown } };
  const number = p.issue?.number ?? p.pull_request?.number;
  return {
    ...(typeof number === 'number' && Number.isSafeInteger(number) ? { issue: number } : {}),
    ...(typeof p.sender?.login === 'string' ? { requester: p.sender.login } : {}),
  };
}

/**
 * A delivery whose work needs GitHub → DeliveryWorkflow, one per delivery id. REJECT_DUPLICATE:
 * a redelivery finds the id taken, running or closed, and starts nothing; a new delivery (the
 * label added again, a second command) has a new id and acts. Not counted in
 * `aidp_workflows_started_total`: the work it leads to is, when its activity starts it.
 */
export async function acceptDelivery(ctx: ProcessorContext, delivery: DeferredDelivery): Promise<StartResult> {
  const workflowId = deliveryWorkflowId(delivery.owner, delivery.repo, delivery.id);
  const started = await startUnlessTaken(ctx, () =>
    ctx.client.workflow.start<typeof DeliveryWorkflow>('DeliveryWorkflow', {
      ...orchestratorStart(workflowId, delivery, { kind: 'delivery', ...deliveryLabels(delivery.payload), summary: `Webhook ${delivery.event}` }),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [delivery],
    }),
  );
  return { workflowId, started };
}
