import { basename } from 'node:path';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { runStartOptions, type RunStartOptions } from '../domain/search-attributes.js';
import { explainStartFailure } from '../domain/search-attribute-errors.js';
import { ORCHESTRATOR_QUEUE } from '../domain/task-queues.js';
import type { FeatureInput } from '../workflows/feature-orchestration/messages.js';
import type { FeatureOrchestrationWorkflow } from '../workflows/feature-orchestration/workflow.js';
import { orchestrationStatusQuery, type OrchestrationStatus } from '../domain/feature-status.js';
import { retryFailedUpdate, type FeatureResult } from '../workflows/feature-orchestration/messages.js';
import { InputError } from '../domain/input-error.js';
import type { LocalFeature } from './local-feature.js';
import { localUser } from './local-user.js';
import { selectRetry } from '../domain/retry-selection.js';
import { withUnitProgress } from './unit-progress.js';

export type FeatureHandle = WorkflowHandle<typeof FeatureOrchestrationWorkflow>;

/** `aidp run`'s search attributes: the repository's directory name, the local user, the feature title. */
function localRunOptions(input: FeatureInput): RunStartOptions {
  const repository = input.github ? `${input.github.owner}/${input.github.repo}` : basename(input.repo.remoteUrl);
  return runStartOptions({ kind: 'feature', repository, issue: input.github?.issueNumber, requester: localUser(), summary: input.title });
}

/** Starts the feature, or attaches to the run already going under the same id. */
export async function startFeature(client: Client, feature: LocalFeature): Promise<FeatureHandle> {
  try {
    return await client.workflow.start<typeof FeatureOrchestrationWorkflow>('FeatureOrchestrationWorkflow', {
      workflowId: feature.workflowId,
      taskQueue: ORCHESTRATOR_QUEUE,
      ...localRunOptions(feature.input),
      args: [feature.input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    throw explainStartFailure(err, client.options.namespace);
  }
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
  if (await isRunning(handle)) return withUnitProgress(handle.client, await handle.query(orchestrationStatusQuery));
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
    ...localRunOptions(previous.request),
    args: [{ ...previous.request, carried: { ...previous.carried, paused: false, retry } }],
  });
  return { retried: retry, newRun: true };
}
