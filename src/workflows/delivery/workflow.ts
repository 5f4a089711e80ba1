import { proxyActivities } from '@temporalio/workflow';
import type { OrchestratorActivities } from '../../activities/index.js';
import type { DeferredDelivery } from '../../domain/processor-port.js';
import type { DeliveryOutcome } from '../../metrics/metrics.js';
import { GITHUB_NOT_CONFIGURED } from '../../domain/failure-types.js';

const { handleDelivery } = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '2 minutes',
  // About ten minutes of a GitHub that fails or does not answer before the delivery gives up (reconcile is the fallback).
  retry: { maximumAttempts: 10, initialInterval: '2 seconds', maximumInterval: '1 minute', nonRetryableErrorTypes: [GITHUB_NOT_CONFIGURED] },
});

/**
 * One webhook delivery whose work needs GitHub (a label, a command, a review), started by the
 * webhook server and named after the delivery id: the sender's permission check, the
 * repository's trigger labels, the refusal or reply, and the start or signal all happen in
 * its activity, never on the request path.
 */
export async function DeliveryWorkflow(delivery: DeferredDelivery): Promise<DeliveryOutcome> {
  return handleDelivery(delivery);
}
