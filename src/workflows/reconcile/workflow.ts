import { proxyActivities } from '@temporalio/workflow';
import type { OrchestratorActivities } from '../../activities/index.js';
import { GITHUB_NOT_CONFIGURED } from '../../domain/failure-types.js';

const { reconcileBuilds, reconcileCiFailures } = proxyActivities<OrchestratorActivities>({
  // Paging through every installed repository takes a while on a big installation.
  startToCloseTimeout: '10m',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [GITHUB_NOT_CONFIGURED] },
});

export interface ReconcileInput {
  buildLabel: string;
}

/** Run by the `aidp-reconcile` schedule: the fallback for webhooks that never arrived. */
export async function ReconcileWorkflow(input: ReconcileInput): Promise<{ checked: number; started: string[] }> {
  const builds = await reconcileBuilds({ buildLabel: input.buildLabel });
  const ciFixes = await reconcileCiFailures();
  return { checked: builds.checked + ciFixes.checked, started: [...builds.started, ...ciFixes.started] };
}
