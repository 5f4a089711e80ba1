import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFeature } from '../src/features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../src/features/local-feature.js';
import { AGENT_QUEUE } from '../src/domain/task-queues.js';
import { starts } from './support/agent-log.js';
import { spawnCli, startWorkerProcess, waitForOutput } from './support/cli.js';
import { terminateRunningWorkflows } from './support/cleanup.js';
import { freeMetricsPort } from './support/free-port.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';
import { agentIoDir, livePidsMentioning } from './support/sandbox.js';
import { sleepingLoopInput } from './support/sleeping-loop.js';
import { connectToTestServer, testServerAddress, type TestTemporal } from './support/temporal.js';
import { waitFor } from './support/wait-for.js';
import { scriptedProviders } from './support/scripted-agent.js';

describe('a worker process stopped with SIGTERM', () => {
  let temporal: TestTemporal;
  beforeAll(async () => {
    temporal = await connectToTestServer();
  });
  afterAll(async () => {
    await terminateRunningWorkflows(temporal.client);
    await temporal.close();
  });

  it('cancels its running agent within the grace time and exits 0', async () => {
    const hostId = `sigterm-${Date.now()}`;
    const logDir = agentIoDir('agent-log');
    const worker = spawnCli(['worker', '--queue', 'agent'], {
      AIDP_ENGINE: 'temporal',
      TEMPORAL_ADDRESS: testServerAddress(),
      AIDP_WORKDIR: tempDir('work'),
      AIDP_METRICS_PORT: String(await freeMetricsPort()),
      AIDP_HOST_ID: hostId,
      AIDP_SHUTDOWN_GRACE_SECONDS: '1',
    });
    // The worker starts while the repository and the loop's input are made.
    const [input] = await Promise.all([
      (async () => sleepingLoopInput({ name: 'slow', repo: await createTestRepo(), hostId, logDir }))(),
      waitForOutput(worker, /worker on/),
    ]);
    await temporal.client.workflow.start('WorkLoopWorkflow', {
      workflowId: `sigterm-loop-${hostId}`,
      taskQueue: AGENT_QUEUE,
      args: [input],
    });
    const [agent] = await waitFor(() => starts(logDir).length > 0 && starts(logDir), 30_000, 'the agent to start');

    const signalledAt = Date.now();
    worker.kill('SIGTERM');
    const result = await worker;
    const exitedAfterMs = Date.now() - signalledAt;

    expect(result.exitCode).toBe(0);
    expect(agent).toBeDefined();
    expect(livePidsMentioning(logDir)).toEqual([]);
    // Grace (1 s) plus the group kill's own 2 s escalation, well inside the 15 s force limit.
    expect(exitedAfterMs).toBeLessThan(15_000);
  });

  it('hands the units it interrupted to the next worker, which completes the run', async () => {
    const env = {
      AIDP_ENGINE: 'temporal',
      TEMPORAL_ADDRESS: testServerAddress(),
      AIDP_WORKDIR: tempDir('work'),
      AIDP_METRICS_PORT: String(await freeMetricsPort()),
      AIDP_HOST_ID: `restart-${Date.now()}`,
      AIDP_SHUTDOWN_GRACE_SECONDS: '1',
    };
    const logDir = agentIoDir('agent-log');
    const feature = await prepareLocalFeature({
      repo: await resolveLocalRepo(await createTestRepo()),
      specText: taskListSpec('Survive a restart', ['Restart unit 1', 'Restart unit 2']),
      overrides: {
        // Asleep until the first worker stops; run again by the next worker, at once.
        providers: scriptedProviders(`--write --sleep-first 120000 --log ${logDir}`),
        concurrency: 2,
      },
    });
    const { process: first } = await startWorkerProcess(env);
    const handle = await startFeature(temporal.client, feature);
    const interrupted = await waitFor(() => starts(logDir).length === 2 && starts(logDir), 60_000, 'both agents to start');
    first.kill('SIGTERM');
    expect((await first).exitCode).toBe(0);

    // Same host and work dir, metrics on ports of its own: the first's may have been taken since it exited.
    const { process: second } = await startWorkerProcess({ ...env, AIDP_METRICS_PORT: String(await freeMetricsPort()) });
    const result = await handle.result();
    second.kill('SIGTERM');
    await second;

    expect(result.status).toBe('completed');
    // Before the fix the SDK's "WorkerShutdown" failure failed these units instead of restarting them.
    for (const agent of interrupted) expect(starts(logDir, agent.unit)).toHaveLength(2);
  });
});
