import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ORCHESTRATOR_QUEUE } from '../domain/task-queues.js';
import type { FeatureOrchestrationWorkflow } from '../workflows/feature-orchestration/workflow.js';
import { orchestrationStatusQuery, type OrchestrationStatus } from '../domain/feature-status.js';
import { retryFailedUpdate, type FeatureResult } from '../workflows/feature-orchestration/messages.js';
import { InputError } from '../domain/input-error.js';
import type { LocalFeature } from './local-feature.js';
import { selectRetry } from '../domain/retry-selection.js';

export type FeatureHandle = WorkflowHandle<typeof FeatureOrchestrationWorkflow>;

/** Starts the feature, or attaches to the run already going under the same id. */
export async function startFeature(client: Client, feature: LocalFeature): Promise<FeatureHandle> {
  return client.workflow.start<typeof FeatureOrchestrationWorkflow>('FeatureOrchestrationWorkflow', {
    workflowId: feature.workflowId,
    taskQueue: ORCHESTRATOR_QUEUE,
    args: [feature.input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export async function isRunning(handle: FeatureHandle): Promise<boolean> {
  try {
    return (await handle.describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new InputError(`no feature run with id ${handle.workflowId}`);
    throw err;
  }
}

/** The live status of a running feature, or the final one of a closed run. */
export async function featureStatus(handle: FeatureHandle): Promise<OrchestrationStatus> {
  if (await isRunning(handle)) return handle.query(orchestrationStatusQuery);
  return handle.result();
}

/**
 * Failed units run again: in the running workflow (`retry_failed`), or, when the run has
 * closed, in a new run under the same id that carries every completed unit over untouched.
 */
export async function retryUnits(client: Client, workflowId: string, unitIds: string[]): Promise<{ retried: string[]; newRun: boolean }> {
  const handle = client.workflow.getHandle<typeof FeatureOrchestrationWorkflow>(workflowId);
  if (await isRunning(handle)) {
    const retried = await handle.executeUpdate(retryFailedUpdate, { args: [unitIds] });
    return { retried, newRun: false };
  }
  const previous: FeatureResult = await handle.result();
  const selection = selectRetry(previous, unitIds);
  if ('problem' in selection) throw new InputError(`nothing to retry in ${workflowId}: ${selection.problem}`);
  const { retry } = selection;
  await client.workflow.start<typeof FeatureOrchestrationWorkflow>('FeatureOrchestrationWorkflow', {
    workflowId,
    taskQueue: ORCHESTRATOR_QUEUE,
    args: [{ ...previous.request, carried: { ...previous.carried, paused: false, retry } }],
  });
  return { retried: retry, newRun: true };
}
