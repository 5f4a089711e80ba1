import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from 'pino';
import { ownerIsAlive, ownerStamp, type OwnerStamp } from '../activities/agent/process-owner.js';
import { WORKER_RESTARTED } from '../domain/failure-types.js';

/**
 * A record of one activity attempt running on this host's queue, `<dir>/<hash>.json`, kept for
 * exactly as long as the attempt runs. When a worker is SIGKILLed its records stay behind, and
 * the next worker of the same host fails those attempts at once, so their units start over in
 * seconds instead of waiting for the heartbeat timeout.
 */
interface InflightRecord extends OwnerStamp {
  taskToken: string;
  workflowId: string;
  runId: string;
  activityType: string;
  attempt: number;
}

/** Where the records of one host's running activities live. */
export function inflightDir(workDir: string, hostId: string): string {
  return join(workDir, 'inflight', createHash('sha256').update(hostId).digest('hex').slice(0, 16));
}

/** Records every activity attempt this worker runs under `dir`. */
export function recordInflightActivities(dir: string): ActivityInterceptorsFactory {
  mkdirSync(dir, { recursive: true });
  const owner = ownerStamp();
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const { info } = ctx;
        const record: InflightRecord = {
          ...owner,
          taskToken: Buffer.from(info.taskToken).toString('base64'),
          workflowId: info.workflowExecution?.workflowId ?? '',
          runId: info.workflowExecution?.runId ?? '',
          activityType: info.activityType,
          attempt: info.attempt,
        };
        const file = join(dir, `${createHash('sha256').update(info.taskToken).digest('hex').slice(0, 32)}.json`);
        // Written whole, then renamed: a reader never sees half a record.
        await writeFile(`${file}.tmp`, JSON.stringify(record));
        await rename(`${file}.tmp`, file);
        try {
          return await next(input);
        } finally {
          await rm(file, { force: true });
        }
      },
    },
  });
}

/**
 * Fails every attempt recorded under `dir` by a worker that is no longer alive; records of live
 * workers are left alone. Must run before this host's queue is polled again: only a dead worker
 * can then hold a started attempt on it. Returns the activity types failed.
 */
export async function failInterruptedActivities(dir: string, client: Client, logger: Logger): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const failed: string[] = [];
  const unstuck = new Set<string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const file = join(dir, name);
    const record = readRecord(file);
    if (record && ownerIsAlive(record)) continue;
    if (record) {
      const failure = ApplicationFailure.retryable(
        `the worker running ${record.activityType} (pid ${record.ownerPid}) stopped without finishing it`,
        WORKER_RESTARTED,
      );
      // The dead worker also held these workflows' caches: their next tasks would wait out the
      // sticky queue's timeout for it, so they go to the shared queue instead.
      await unstickWorkflowChain(client, { workflowId: record.workflowId, runId: record.runId }, unstuck).catch((err: unknown) =>
        logger.debug({ err, workflowId: record.workflowId }, 'could not reset the sticky queue; the workflow waits out its timeout'),
      );
      try {
        await client.activity.fail(Buffer.from(record.taskToken, 'base64'), failure);
        failed.push(record.activityType);
        logger.info({ workflowId: record.workflowId, activityType: record.activityType, attempt: record.attempt }, 'failed an activity its dead worker left running');
      } catch (err) {
        // Already timed out, completed or its workflow closed: nothing is waiting on it.
        logger.debug({ err, workflowId: record.workflowId, activityType: record.activityType }, 'interrupted activity already resolved');
      }
    }
    rmSync(file, { force: true });
  }
  return failed;
}

/** Resets the sticky queue of a workflow and of its parents up to the root. */
async function unstickWorkflowChain(client: Client, start: { workflowId: string; runId: string }, done: Set<string>): Promise<void> {
  let execution: { workflowId: string; runId: string } | undefined = start;
  while (execution && execution.workflowId && !done.has(execution.runId)) {
    done.add(execution.runId);
    await client.workflowService.resetStickyTaskQueue({ namespace: client.options.namespace, execution });
    const description: WorkflowExecutionDescription = await client.workflow.getHandle(execution.workflowId, execution.runId).describe();
    const parent = description.parentExecution;
    execution = parent?.workflowId && parent.runId ? { workflowId: parent.workflowId, runId: parent.runId } : undefined;
  }
}

function readRecord(file: string): InflightRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<InflightRecord>;
    if (typeof record.taskToken === 'string' && Number.isInteger(record.ownerPid)) return record as InflightRecord;
  } catch (err) {
    if (!(err instanceof SyntaxError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return undefined; // unreadable: nothing to fail, the file is removed
}
