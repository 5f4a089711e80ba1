import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startHarness, type Harness } from './support/harness.js';
import { decodeHistory, historiesOf, isRecorded, readManifest, recordHistories, RECORDING } from './support/recorded-histories.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';
import { scriptedProviders } from './support/scripted-agent.js';

// The two replays run at once: one waits on its feature run while the other replays the recorded histories.
describe('workflow determinism', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.concurrent('replays the histories of a feature run with a failing unit without a determinism error', async () => {
    const repo = await createTestRepo();
    const marker = join(agentIoDir('marker'), 'fixed');
    const handle = await harness.startFeature(repo, taskListSpec('Replay me', ['First part', 'Second part', 'Third part']), {
      providers: scriptedProviders(`--write --fail-units second-part --fixed-marker ${marker}`),
      concurrency: 2,
      maxIterations: 2,
    });
    await handle.result();
    const histories = await historiesOf(harness.client, handle.workflowId);
    // The feature, its three units (one workflow each) and its merge.
    expect(histories.length).toBeGreaterThanOrEqual(5);

    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) results.push(result);
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(results).toHaveLength(histories.length);

    // Recorded once (feature-run-*.binpb); later workflow changes must replay those, never re-record them.
    if (RECORDING && !isRecorded('feature-run')) {
      recordHistories('feature-run', 'local feature, 3 units at concurrency 2, one fails until fixed, max_iterations 2', histories);
    }
  });

  it.concurrent('replays the recorded histories in test/fixtures/histories without a determinism error', async () => {
    // Replay needs each history's own workflow id: child ids are derived from it.
    const manifest = readManifest();
    expect(manifest.length).toBeGreaterThan(0);
    const histories = manifest.map(({ file, workflowId }) => ({ workflowId, history: decodeHistory(file) }));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) results.push(result);
    // Results come in the manifest's order: each failure names its file and what was recorded.
    const failures = results.flatMap((r, i) => (r.error ? [`${manifest[i]?.file} (${manifest[i]?.scenario ?? 'feature run'}) ${r.workflowId}: ${r.error.message}`] : []));
    expect(failures).toEqual([]);
    expect(results).toHaveLength(histories.length);
  });

  it('keeps recorded histories of every workflow the workers run, so each one\'s changes are replayed', () => {
    const types = new Set(readManifest().map(({ file }) => decodeHistory(file).events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
    expect([...types].sort()).toEqual([
      'AtomicUnitWorkflow',
      'BuildProcessorWorkflow',
      'DeliveryWorkflow',
      'FeatureOrchestrationWorkflow',
      'MergeOrchestrationWorkflow',
      'PlanWorkflow',
      'PullClosedWorkflow',
      'PullRequestWorkWorkflow',
      'ReconcileWorkflow',
      'RefusalWindowWorkflow',
      'ReviewWorkflow',
      'UnitWorkflow',
      'WorkLoopWorkflow',
    ]);
  });
});
