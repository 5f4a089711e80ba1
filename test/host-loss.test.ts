import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { ResultPromise } from 'execa';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { simpleGit } from 'simple-git';
import { createTemporalProcessors } from '../src/processors/temporal-processors.js';
import { startFeature } from '../src/features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../src/features/local-feature.js';
import { hostQueueName } from '../src/domain/task-queues.js';
import { starts, waitFor } from './support/agent-log.js';
import { SCRIPTED_AGENT, spawnCli, startWorkerProcess, waitForOutput } from './support/cli.js';
import { terminateRunningWorkflows } from './support/cleanup.js';
import { hostWorkerEnv } from './support/host-workers.js';
import { historiesOf, isRecorded, recordHistories, RECORDING } from './support/recorded-histories.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { startHarness, type Harness } from './support/harness.js';
import { bundleWorkflows, connectToTestServer, type TestTemporal } from './support/temporal.js';
import { blockNetwork, GITHUB_API } from './support/webhooks.js';

/** The task queues a workflow scheduled this activity on, in order. */
async function queuesOf(client: Client, workflowId: string, activity: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const scheduled = e.activityTaskScheduledEventAttributes;
    return scheduled?.activityType?.name === activity ? [scheduled.taskQueue?.name ?? ''] : [];
  });
}

/** The id of the merge child a feature run started, once it has. */
async function mergeIdOf(client: Client, featureId: string): Promise<string | undefined> {
  const history = await client.workflow.getHandle(featureId).fetchHistory();
  const started = (history.events ?? []).find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name === 'MergeOrchestrationWorkflow');
  return started?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? undefined;
}

describe('a host-bound workflow whose host is lost', () => {
  let temporal: TestTemporal;
  const workers: ResultPromise[] = [];
  beforeAll(async () => {
    temporal = await connectToTestServer();
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.catch(() => undefined)));
    await terminateRunningWorkflows(temporal.client);
    await temporal.close();
  });

  it('a merge whose host dies while its resolver agent runs starts over on another host and the feature completes', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    // Both units write shared.txt: the second merge conflicts and the resolver agent runs, long on the first host only.
    const flags = `--write --resolve --shared-units clash-1,clash-2 --log ${logDir} --sleep-first 120000 --sleep-first-only merge`;
    const feature = await prepareLocalFeature({
      repo: await resolveLocalRepo(repo),
      specText: taskListSpec('Merge elsewhere', ['Clash 1', 'Clash 2']),
      overrides: { providers: [{ preset: 'command', command: `node ${SCRIPTED_AGENT} ${flags}`, args: [] }], concurrency: 2, maxIterations: 1 },
    });
    const envA = await hostWorkerEnv();
    const envB = await hostWorkerEnv();
    const hostA = await startWorkerProcess(envA);
    const hostB = await startWorkerProcess(envB);
    workers.push(hostA.process, hostB.process);
    const handle = await startFeature(temporal.client, feature);
    const resolverStarts = () => starts(logDir).filter((e) => e.unit.endsWith('(merge)'));

    const { mergeId, mergeQueue } = await waitFor(
      async () => {
        if (resolverStarts().length !== 1) return undefined;
        const id = await mergeIdOf(temporal.client, feature.workflowId);
        const queue = id ? (await queuesOf(temporal.client, id, 'executeAgent'))[0] : undefined;
        return id && queue ? { mergeId: id, mergeQueue: queue } : undefined;
      },
      120_000,
      'the resolver agent of the merge running on one host',
    );
    expect([hostQueueName(envA.AIDP_HOST_ID), hostQueueName(envB.AIDP_HOST_ID)]).toContain(mergeQueue);
    const doomed = mergeQueue === hostQueueName(envA.AIDP_HOST_ID) ? hostA : hostB;
    doomed.process.kill('SIGKILL');
    await doomed.process.catch(() => undefined);

    const result = await handle.result();
    // Recorded once (merge-host-lost-*.binpb): the fresh-claim path must keep replaying.
    if (RECORDING && !isRecorded('merge-host-lost')) {
      recordHistories('merge-host-lost', 'merge whose host is SIGKILLed while its resolver agent runs; merged again on another host', await historiesOf(temporal.client, mergeId));
    }
    expect(result.status).toBe('completed');
    expect(result.error).toBeUndefined();
    expect(result.merge?.merged).toHaveLength(2);
    expect(result.merge?.resolved).toHaveLength(1);
    const agentQueues = await queuesOf(temporal.client, mergeId, 'executeAgent');
    expect(agentQueues).toHaveLength(2);
    expect(agentQueues[1]).not.toBe(mergeQueue);
    expect(resolverStarts()).toHaveLength(2);
    const shared = await simpleGit(repo).show([`${result.featureBranch}:shared.txt`]);
    expect(shared).toContain('clash-1');
    expect(shared).toContain('clash-2');
  }, 240_000);
});

describe('pull request work whose host is lost', () => {
  let harness: Harness;
  const workers: ResultPromise[] = [];
  beforeAll(async () => {
    blockNetwork();
    // The orchestrator queue in this process (where nock answers GitHub); the hosts are two `aidp worker --queue agent`.
    harness = await startHarness({
      bundle: await bundleWorkflows(),
      queues: ['orchestrator'],
      octokitFor: async () => new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } }),
    });
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.catch(() => undefined)));
    await harness?.close();
    nock.enableNetConnect();
  });

  it('a change request whose host dies while its agent runs starts over on another host and pushes', async () => {
    const logDir = agentIoDir('log');
    const head = 'aidp/widgets/feature';
    const repo = await createTestRepo({
      aidpYml: `max_iterations: 1\nagents:\n  providers:\n    - preset: command\n      command: node ${SCRIPTED_AGENT} --write --log ${logDir} --sleep-first 120000\nchecks:\n  test:\n    command: node scripts/check-units.mjs\n`,
    });
    const git = simpleGit(repo);
    await git.checkout(['-b', head]);
    writeFileSync(join(repo, 'feature.txt'), 'the feature so far\n');
    await git.add('.');
    await git.commit('feature so far');
    const headSha = (await git.revparse(['HEAD'])).trim();
    await git.checkout('main');
    const api = nock(GITHUB_API)
      .post('/repos/octo-org/widgets/check-runs')
      .reply(201, { id: 57 })
      .patch('/repos/octo-org/widgets/check-runs/57', (b: { conclusion: string }) => b.conclusion === 'success')
      .reply(200, { id: 57 })
      .post('/repos/octo-org/widgets/issues/9/comments')
      .reply(201, { id: 3, html_url: 'https://github.com/c/3' });

    const hosts = [];
    for (let i = 0; i < 2; i++) {
      const env = await hostWorkerEnv();
      const process = spawnCli(['worker', '--queue', 'agent'], env);
      workers.push(process);
      await waitForOutput(process, /worker on/);
      hosts.push({ queue: hostQueueName(env.AIDP_HOST_ID), process });
    }
    const processors = createTemporalProcessors({ client: harness.client });
    const { workflowId } = await processors.startChangeRequest({
      owner: 'octo-org',
      repo: 'widgets',
      installationId: 4242,
      cloneUrl: repo,
      defaultBranch: 'main',
      prNumber: 9,
      headBranch: head,
      headSha,
      baseBranch: 'main',
      requestedBy: 'alice',
      instruction: 'Add a unit file.',
    });
    const firstQueue = await waitFor(
      async () => (starts(logDir).length === 1 ? (await queuesOf(harness.client, workflowId, 'prepareWorktree'))[0] : undefined),
      120_000,
      'the agent running on one host',
    );
    const doomed = hosts.find((h) => h.queue === firstQueue);
    expect(doomed).toBeDefined();
    doomed!.process.kill('SIGKILL');
    await doomed!.process.catch(() => undefined);

    const result = await harness.client.workflow.getHandle(workflowId).result();
    api.done();
    expect(result).toMatchObject({ status: 'pushed', iterations: 1 });
    expect((await git.revparse([head])).trim()).toBe(result.sha);
    const prepared = await queuesOf(harness.client, workflowId, 'prepareWorktree');
    expect(prepared).toHaveLength(2);
    expect(prepared[1]).not.toBe(firstQueue);
    expect(starts(logDir)).toHaveLength(2);
  }, 240_000);
});
