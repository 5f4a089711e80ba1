import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ResultPromise } from 'execa';
import { simpleGit } from 'simple-git';
import { startFeature } from '../src/features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../src/features/local-feature.js';
import { hostQueueName } from '../src/temporal/task-queues.js';
import { starts, waitFor } from './support/agent-log.js';
import { SCRIPTED_AGENT, startWorkerProcess } from './support/cli.js';
import { terminateRunningWorkflows } from './support/cleanup.js';
import { hostWorkerEnv } from './support/host-workers.js';
import { historiesOf, isRecorded, recordHistories, RECORDING } from './support/recorded-histories.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { connectToTestServer, type TestTemporal } from './support/temporal.js';

/** The task queues a workflow scheduled this activity on, in order. */
async function queuesOf(temporal: TestTemporal, workflowId: string, activity: string): Promise<string[]> {
  const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const scheduled = e.activityTaskScheduledEventAttributes;
    return scheduled?.activityType?.name === activity ? [scheduled.taskQueue?.name ?? ''] : [];
  });
}

/** The id of the merge child a feature run started, once it has. */
async function mergeIdOf(temporal: TestTemporal, featureId: string): Promise<string | undefined> {
  const history = await temporal.client.workflow.getHandle(featureId).fetchHistory();
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
        const id = await mergeIdOf(temporal, feature.workflowId);
        const queue = id ? (await queuesOf(temporal, id, 'executeAgent'))[0] : undefined;
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
    const agentQueues = await queuesOf(temporal, mergeId, 'executeAgent');
    expect(agentQueues).toHaveLength(2);
    expect(agentQueues[1]).not.toBe(mergeQueue);
    expect(resolverStarts()).toHaveLength(2);
    const shared = await simpleGit(repo).show([`${result.featureBranch}:shared.txt`]);
    expect(shared).toContain('clash-1');
    expect(shared).toContain('clash-2');
  }, 240_000);
});
