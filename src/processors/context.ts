import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { parseGithubWorkflowId } from '../github/workflow-ids.js';
import type { StartResult } from '../domain/processor-port.js';
import type { AidpMetrics } from '../metrics/metrics.js';
import { explainStartFailure } from '../domain/search-attribute-errors.js';

/** What every processor needs: Temporal, and the knobs of the process that runs them. */
export interface ProcessorContext {
  client: Client;
  uiUrlOf?: (workflowId: string) => string | undefined;
  /** How often, at most, a build's status comment is edited. */
  statusEveryMs: number;
  /** A ceiling on CI fix runs per failing head commit; the repo's `ci_fix.max_attempts` applies below it. */
  ciFixAttempts: number;
  metrics?: Pick<AidpMetrics, 'workflowsStarted'>;
}

/**
 * Runs a start; false when its id is taken (a run under it is running, or, under
 * REJECT_DUPLICATE, has ever run). Any other failure is explained (a missing search attribute).
 */
export async function startUnlessTaken(ctx: ProcessorContext, run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw explainStartFailure(err, ctx.client.options.namespace);
  }
}

/** Starts a workflow under its derived id, counted; an id already running means nothing new starts. */
export async function startOnce(ctx: ProcessorContext, workflowId: string, run: () => Promise<unknown>): Promise<StartResult> {
  if (!(await startUnlessTaken(ctx, run))) return { workflowId, started: false };
  ctx.metrics?.workflowsStarted.inc({ workflow: parseGithubWorkflowId(workflowId)?.kind ?? 'other' });
  return { workflowId, started: true };
}
