import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { runStartOptions } from '../domain/search-attributes.js';
import type { ReconcileWorkflow } from '../workflows/reconcile/workflow.js';
import { ORCHESTRATOR_QUEUE } from '../domain/task-queues.js';

export const RECONCILE_SCHEDULE_ID = 'aidp-reconcile';

/** Creates the `aidp-reconcile` schedule, or brings an existing one to this interval and label. */
export async function ensureReconcileSchedule(client: Client, opts: { intervalMinutes: number; buildLabel: string }): Promise<void> {
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'ReconcileWorkflow',
    workflowId: 'aidp-reconcile-pass',
    taskQueue: ORCHESTRATOR_QUEUE,
    ...runStartOptions({ kind: 'reconcile', summary: `Reconcile pass: labelled issues (${opts.buildLabel}) and failed CI without a run` }),
    args: [{ buildLabel: opts.buildLabel }] as Parameters<typeof ReconcileWorkflow>,
  };
  const spec = { intervals: [{ every: `${opts.intervalMinutes}m` as const }] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP };
  try {
    await client.schedule.create({ scheduleId: RECONCILE_SCHEDULE_ID, spec, action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RECONCILE_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action, policies }));
  }
}
