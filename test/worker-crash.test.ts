import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ResultPromise } from 'execa';
import { startFeature } from '../src/features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../src/features/local-feature.js';
import { orchestrationStatusQuery } from '../src/domain/feature-status.js';
import { WORKER_RESTARTED } from '../src/domain/failure-types.js';
import type { FeatureResult } from '../src/workflows/feature-orchestration/messages.js';
import type {  } from '../src/domain/feature-status.js';
import { agentEvents, starts, waitFor, type AgentEvent } from './support/agent-log.js';
import { SCRIPTED_AGENT, startWorkerProcess } from './support/cli.js';
import { terminateRunningWorkflows } from './support/cleanup.js';
import { freeMetricsPort } from './support/free-port.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';
import { agentIoDir, livePidsMentioning } from './support/sandbox.js';
import { connectToTestServer, testServerAddress, type TestTemporal } from './support/temporal.js';

describe('a worker killed with SIGKILL mid-run', () => {
  let temporal: TestTemporal;
  const workers: ResultPromise[] = [];
  let logDir: string;
  let featureId: string;
  let completedBefore: string[];
  let orphans: AgentEvent[];
  let result: FeatureResult;

  beforeAll(async () => {
    temporal = await connectToTestServer();
    const env = {
      AIDP_ENGINE: 'temporal',
      TEMPORAL_ADDRESS: testServerAddress(),
      AIDP_WORKDIR: tempDir('work'),
      AIDP_METRICS_PORT: String(await freeMetricsPort()),
      AIDP_HOST_ID: `crash-${Date.now()}`,
    };
    const startWorker = (): Promise<{ process: ResultPromise }> => startWorkerProcess(env, workers);
    // The first worker starts while the repository and the feature are made.
    const starting = startWorker();
    starting.catch(() => undefined); // awaited below
    const repo = await createTestRepo();
    logDir = agentIoDir('log');
    const feature = await prepareLocalFeature({
      repo: await resolveLocalRepo(repo),
      // Two units done at once, two whose first agent sleeps until the worker dies (a restarted one
      // finds its first start in the log and runs at once): the kill finds both kinds, with no waiting.
      specText: taskListSpec('Survive a crash', ['Quick unit 1', 'Quick unit 2', 'Slow unit 3', 'Slow unit 4']),
      overrides: {
        providers: [{ preset: 'command', command: `node ${SCRIPTED_AGENT} --write --sleep-first 120000 --sleep-first-only slow --log ${logDir}`, args: [] }],
        concurrency: 4,
      },
    });
    featureId = feature.workflowId;

    const first = await starting;
    const handle = await startFeature(temporal.client, feature);
    // Kill once some units are done and others have agents running.
    const before = await waitFor(async () => {
      const status = await handle.query(orchestrationStatusQuery);
      const running = agentEvents(logDir).filter((e) => e.event === 'start' && !agentEvents(logDir).some((x) => x.event === 'end' && x.id === e.id));
      return status.completed >= 2 && running.length >= 1 ? { status, running } : undefined;
    }, 120_000, 'completed and running units');
    first.process.kill('SIGKILL');
    await first.process;
    completedBefore = before.status.unit_details.filter((u) => u.status === 'completed').map((u) => u.id);
    orphans = before.running;

    await startWorker();
    result = await handle.result();
  }, 240_000);

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await terminateRunningWorkflows(temporal.client);
    await temporal.close();
  });

  it('is replaced by a new worker that completes the run without re-running completed units', () => {
    expect(result.status).toBe('completed');
    for (const id of completedBefore) expect(starts(logDir, id)).toHaveLength(1);
  });

  it('leaves no agent of the dead worker running: the new worker kills them before they finish', () => {
    // Each sandbox's command line names the log dir: none is left anywhere on the host.
    expect(livePidsMentioning(logDir)).toEqual([]);
    for (const orphan of orphans) {
      // The killed agent never reached its write: it died with its worker, and ran again in the same worktree.
      expect(agentEvents(logDir).some((e) => e.event === 'end' && e.id === orphan.id)).toBe(false);
      expect(starts(logDir, orphan.unit).length).toBeGreaterThanOrEqual(2);
    }
  });

  it('fails the agent activities the dead worker left running instead of waiting for their heartbeat timeout', async () => {
    for (const orphan of orphans) {
      const history = await temporal.client.workflow.getHandle(`${featureId}/unit/${orphan.unit}/run-1`).fetchHistory();
      const failures = (history.events ?? []).flatMap((e) => (e.activityTaskFailedEventAttributes ? [e.activityTaskFailedEventAttributes.failure] : []));
      expect(failures.map((f) => f?.applicationFailureInfo?.type)).toEqual([WORKER_RESTARTED]);
      expect((history.events ?? []).some((e) => e.activityTaskTimedOutEventAttributes)).toBe(false);
    }
  });
});
