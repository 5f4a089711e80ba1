import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { pino } from 'pino';
import { failInterruptedActivities, inflightDir } from '../src/temporal/interrupted-activities.js';
import { AGENT_QUEUE } from '../src/domain/task-queues.js';
import { starts } from './support/agent-log.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { sleepingLoopInput } from './support/sleeping-loop.js';
import { bundleWorkflows } from './support/temporal.js';
import { waitFor } from './support/wait-for.js';

const logger = pino({ level: 'silent' });

/** The pid of a process that has exited: what a SIGKILLed worker's records point at. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

function records(dir: string): Array<{ file: string; activityType: string; ownerPid: number }> {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => ({ file: join(dir, n), ...(JSON.parse(readFileSync(join(dir, n), 'utf8')) as { activityType: string; ownerPid: number }) }));
}

describe('activities a dead worker left running on its host queue', () => {
  let harness: Harness;
  const hostId = `inflight-${Date.now()}`;
  beforeAll(async () => {
    harness = await startHarness({ bundle: await bundleWorkflows(), hostId });
  }, 60_000);
  afterAll(async () => {
    await harness.close();
  });

  async function startSlowLoop(name: string, logDir: string) {
    const repo = await createTestRepo();
    return harness.client.workflow.start('WorkLoopWorkflow', {
      workflowId: `inflight-${name}-${Date.now()}`,
      taskQueue: AGENT_QUEUE,
      args: [await sleepingLoopInput({ name, repo, hostId, logDir })],
    });
  }

  it('are recorded while they run, one file per attempt naming the activity and its worker', async () => {
    const logDir = agentIoDir('agent-log');
    const handle = await startSlowLoop('recorded', logDir);
    await waitFor(() => starts(logDir).length > 0, 30_000, 'the agent to start');

    const running = records(inflightDir(harness.workDir, hostId));
    expect(running).toEqual([expect.objectContaining({ activityType: 'executeAgent', ownerPid: process.pid })]);

    await handle.cancel();
    await waitFor(() => records(inflightDir(harness.workDir, hostId)).length === 0, 30_000, 'the record to go');
  });

  it('are failed as WorkerRestarted once their worker is dead, so the unit gives the host up at once', async () => {
    const logDir = agentIoDir('agent-log');
    const handle = await startSlowLoop('orphaned', logDir);
    await waitFor(() => starts(logDir).length > 0, 30_000, 'the agent to start');
    const dir = inflightDir(harness.workDir, hostId);
    const [record] = records(dir);
    // As if the worker that wrote it had been SIGKILLed.
    writeFileSync(record!.file, JSON.stringify({ ...JSON.parse(readFileSync(record!.file, 'utf8')), ownerPid: deadPid() }));

    expect(await failInterruptedActivities(dir, harness.client, logger)).toEqual(['executeAgent']);

    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => (err instanceof WorkflowFailedError ? err.cause : err),
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('HostLost');
    expect(records(dir).map((r) => r.file)).not.toContain(record!.file);
  });

  it('are left alone while the worker that runs them is alive', async () => {
    const logDir = agentIoDir('agent-log');
    const handle = await startSlowLoop('alive', logDir);
    await waitFor(() => starts(logDir).length > 0, 30_000, 'the agent to start');
    const dir = inflightDir(harness.workDir, hostId);

    expect(await failInterruptedActivities(dir, harness.client, logger)).toEqual([]);
    expect(records(dir)).toHaveLength(1);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.cancel();
  });
});
