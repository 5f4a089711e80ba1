import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { SCRIPTED_AGENT } from './support/cli.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';
import { bundleWorkflows } from './support/temporal.js';

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

  it('replays the histories of a feature run, with a failing unit and a retry, without a determinism error', async () => {
    const repo = await createTestRepo();
    const marker = join(tempDir('marker'), 'fixed');
    const handle = await harness.startFeature(repo, taskListSpec('Replay me', ['First part', 'Second part', 'Third part']), {
      providers: [{ preset: 'command', command: `node ${SCRIPTED_AGENT} --write --fail-units second-part --fixed-marker ${marker}`, args: [] }],
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
      histories.forEach(({ history }, i) => writeFileSync(join(HISTORIES, `feature-run-${i}.json`), historyToJSON(history)));
    }
  });

  it('replays the recorded histories in test/fixtures/histories without a determinism error', async () => {
    const files = existsSync(HISTORIES) ? readdirSync(HISTORIES).filter((f) => f.endsWith('.json')) : [];
    expect(files.length).toBeGreaterThan(0);
    const histories = files.map((f) => ({ workflowId: f, history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES, f), 'utf8'))) }));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) results.push(result);
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error?.message}`)).toEqual([]);
  });
});
