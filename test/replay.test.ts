import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';
import { scriptedProviders } from './support/scripted-agent.js';

const here = dirname(fileURLToPath(import.meta.url));
const HISTORIES = join(here, 'fixtures', 'histories');

/** Every execution of a feature: the feature, its units and their work loops. */
async function historiesOf(client: Client, featureId: string) {
  const histories = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH "${featureId}"` })) {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    histories.push({ workflowId: wf.workflowId, history });
  }
  return histories;
}

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

  it('replays the histories of a feature run with a failing unit without a determinism error', async () => {
    const repo = await createTestRepo();
    const marker = join(agentIoDir('marker'), 'fixed');
    const handle = await harness.startFeature(repo, taskListSpec('Replay me', ['First part', 'Second part', 'Third part']), {
      providers: scriptedProviders(`--write --fail-units second-part --fixed-marker ${marker}`),
      concurrency: 2,
      maxIterations: 2,
    });
    await handle.result();
    const histories = await historiesOf(harness.client, handle.workflowId);
    expect(histories.length).toBeGreaterThanOrEqual(7);

    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) results.push(result);
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(results).toHaveLength(histories.length);

    if (process.env.AIDP_RECORD_HISTORIES === '1') {
      mkdirSync(HISTORIES, { recursive: true });
      const manifest = histories.map(({ workflowId, history }, i) => {
        const file = `feature-run-${i}.binpb`;
        writeFileSync(join(HISTORIES, file), temporal.api.history.v1.History.encode(history).finish());
        return { file, workflowId };
      });
      writeFileSync(join(HISTORIES, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    }
  });

  it('replays the recorded histories in test/fixtures/histories without a determinism error', async () => {
    // Replay needs each history's own workflow id: child ids are derived from it.
    const manifest = existsSync(join(HISTORIES, 'manifest.json'))
      ? (JSON.parse(readFileSync(join(HISTORIES, 'manifest.json'), 'utf8')) as Array<{ file: string; workflowId: string }>)
      : [];
    expect(manifest.length).toBeGreaterThan(0);
    const histories = manifest.map(({ file, workflowId }) => ({
      workflowId,
      history: temporal.api.history.v1.History.decode(readFileSync(join(HISTORIES, file))),
    }));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) results.push(result);
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error?.message}`)).toEqual([]);
  });
});
