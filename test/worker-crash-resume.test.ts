import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { simpleGit } from 'simple-git';
import { startFeature } from '../src/features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../src/features/local-feature.js';
import { WORKER_RESTARTED } from '../src/domain/failure-types.js';
import { unitProgressQuery } from '../src/workflows/unit/messages.js';
import { starts, waitFor } from './support/agent-log.js';
import { SCRIPTED_AGENT, startWorkerProcess } from './support/cli.js';
import { terminateRunningWorkflows } from './support/cleanup.js';
import { freeMetricsPort } from './support/free-port.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { connectToTestServer, testServerAddress, type TestTemporal } from './support/temporal.js';

async function workerEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    AIDP_ENGINE: 'temporal',
    TEMPORAL_ADDRESS: testServerAddress(),
    AIDP_WORKDIR: tempDir('work'),
    AIDP_METRICS_PORT: String(await freeMetricsPort()),
    AIDP_HOST_ID: `resume-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    ...extra,
  };
}

function agentCommand(logDir: string, flags = ''): Array<{ preset: 'command'; command: string; args: string[] }> {
  return [{ preset: 'command', command: `node ${SCRIPTED_AGENT} --write --log ${logDir} ${flags}`.trim(), args: [] }];
}

describe('no finished agent runs twice', () => {
  let temporal: TestTemporal;
  const workers: ResultPromise[] = [];
  beforeAll(async () => {
    temporal = await connectToTestServer();
  });
  // Each test's workers go with it: a worker left polling the shared queues would take the next test's units.
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
      await w.catch(() => undefined);
    }
    await terminateRunningWorkflows(temporal.client);
  });
  afterAll(async () => {
    await temporal.close();
  });

  /** The activity types a unit workflow scheduled, in order. */
  async function scheduledActivities(workflowId: string): Promise<(string | null | undefined)[]> {
    const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []));
  }

  /**
   * One unit built by a worker that SIGKILLs itself the first time it reaches `point`, then by
   * its restart on the same host (same env: the marker keeps the fault from firing again).
   */
  async function crashOnceAt(point: string, title: string, unitTitle: string) {
    const marker = join(tempDir('fault'), 'fired');
    const env = await workerEnv({ AIDP_FAULT_POINT: `${point}:${marker}` });
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    const feature = await prepareLocalFeature({
      repo: await resolveLocalRepo(repo),
      specText: taskListSpec(title, [unitTitle]),
      overrides: { providers: agentCommand(logDir), concurrency: 1, maxIterations: 1 },
    });
    const first = await startWorkerProcess(env);
    workers.push(first.process);
    const handle = await startFeature(temporal.client, feature);
    await first.process.catch(() => undefined);
    const fired = existsSync(marker);
    const firstSignal = first.process.signalCode;

    const second = await startWorkerProcess(env);
    workers.push(second.process);
    const result = await handle.result();
    return { feature, repo, logDir, fired, firstSignal, result };
  }

  it('a worker killed after its agent exited, before the activity reported, is restarted and goes on without running that agent again', async () => {
    // The worker SIGKILLs itself once: after the first agent's outcome is journalled, before its activity completes.
    const { feature, logDir, fired, firstSignal, result } = await crashOnceAt('after-agent-exit', 'Journalled agent', 'Only unit');
    expect(fired).toBe(true);
    expect(firstSignal).toBe('SIGKILL');

    expect(result.status).toBe('completed');
    expect(starts(logDir, 'only-unit')).toHaveLength(1);
    const history = await temporal.client.workflow.getHandle(`${feature.workflowId}/unit/only-unit/run-1`).fetchHistory();
    const failures = (history.events ?? []).flatMap((e) => (e.activityTaskFailedEventAttributes ? [e.activityTaskFailedEventAttributes.failure?.applicationFailureInfo?.type] : []));
    expect(failures).toEqual([WORKER_RESTARTED]);
  }, 180_000);

  it("a worker killed while a unit's checks run is restarted, runs the iteration step again and keeps the agent's work", async () => {
    const { feature, logDir, fired, result } = await crashOnceAt('checks-running', 'Crash during checks', 'Checked unit');
    expect(fired).toBe(true);

    expect(result.status).toBe('completed');
    expect(starts(logDir, 'checked-unit')).toHaveLength(1);
    expect(await scheduledActivities(`${feature.workflowId}/unit/checked-unit/run-1`)).toEqual(['prepareUnit', 'runIteration', 'runIteration']);
  }, 180_000);

  it('a worker killed after the checks passed, before the push, is restarted and pushes the agent\'s commit without running the agent again', async () => {
    const { feature, repo, logDir, fired, result } = await crashOnceAt('before-finish', 'Crash before the push', 'Pushed unit');
    expect(fired).toBe(true);

    expect(result.status).toBe('completed');
    expect(starts(logDir, 'pushed-unit')).toHaveLength(1);
    const unit = result.units[0]!;
    expect(unit.commitSha).toMatch(/^[0-9a-f]{40}$/);
    expect((await simpleGit(repo).raw(['rev-parse', unit.branch])).trim()).toBe(unit.commitSha);
    expect(await scheduledActivities(`${feature.workflowId}/unit/pushed-unit/run-1`)).toEqual(['prepareUnit', 'runIteration', 'runIteration']);
  }, 180_000);

  it('a unit whose host dies for good starts over on another host and completes', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    const feature = await prepareLocalFeature({
      repo: await resolveLocalRepo(repo),
      specText: taskListSpec('Lost host', ['Moving unit']),
      // Long enough on the first host to be killed there; at once on the second.
      overrides: { providers: agentCommand(logDir, '--sleep-first 120000'), concurrency: 1, maxIterations: 1 },
    });
    const envA = await workerEnv();
    const envB = await workerEnv();
    const hostA = await startWorkerProcess(envA);
    const hostB = await startWorkerProcess(envB);
    workers.push(hostA.process, hostB.process);
    const handle = await startFeature(temporal.client, feature);
    const unitId = `${feature.workflowId}/unit/moving-unit/run-1`;
    const firstHost = await waitFor(async () => {
      const progress = await temporal.client.workflow.getHandle(unitId).query(unitProgressQuery).catch(() => undefined);
      return progress?.step === 'iteration' && starts(logDir, 'moving-unit').length === 1 ? progress.host : undefined;
    }, 60_000, 'the agent running on one host');
    const doomed = firstHost === envA.AIDP_HOST_ID ? hostA : hostB;
    expect([envA.AIDP_HOST_ID, envB.AIDP_HOST_ID]).toContain(firstHost);
    doomed.process.kill('SIGKILL');
    await doomed.process.catch(() => undefined);

    const result = await handle.result();
    expect(result.status).toBe('completed');
    const progress = await temporal.client.workflow.getHandle(unitId).query(unitProgressQuery);
    expect(progress.hostAttempts).toBe(2);
    expect(progress.host).not.toBe(firstHost);
    expect(starts(logDir, 'moving-unit')).toHaveLength(2);
  }, 180_000);
});
