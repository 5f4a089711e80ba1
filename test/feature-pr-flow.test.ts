import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import nock from 'nock';
import { retryUnits } from '../src/features/feature-client.js';
import type { FeatureResult } from '../src/workflows/feature-orchestration/messages.js';
import { SCRIPTED_AGENT } from './support/cli.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';
import { scriptedProviders } from './support/scripted-agent.js';
import { testOctokit } from './support/octokit.js';

const github = { installationId: 4242, owner: 'octo-org', repo: 'widgets', issueNumber: 42 };
const titles = Array.from({ length: 5 }, (_, i) => `Widget part ${i + 1}`);
const failing = ['widget-part-4', 'widget-part-5'];

interface PullBody {
  title: string;
  head: string;
  base: string;
  body: string;
  draft?: boolean;
}

describe('the feature pull request', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  const unexpected: string[] = [];
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    nock.emitter.on('no match', (req: { method?: string; path?: string; host?: string }) => {
      if (!/127\.0\.0\.1|localhost/.test(req.host ?? '')) unexpected.push(`${req.method} ${req.path}`);
    });
    bundle = await bundleWorkflows();
    harness = await startHarness({
      bundle,
      octokitFor: async () => testOctokit({ token: 'ghs_installation' }),
    });
  });
  afterEach(() => {
    nock.cleanAll();
  });
  afterAll(async () => {
    await harness?.close();
    nock.enableNetConnect();
    nock.emitter.removeAllListeners('no match');
  });

  it('is not opened when fewer units merged than the threshold (3 of 5 at 0.8)', async () => {
    const repo = await createTestRepo();
    const handle = await harness.startFeature(
      repo,
      taskListSpec('Widgets below threshold', titles),
      { providers: scriptedProviders(`--write --fail-units ${failing.join(',')}`), maxIterations: 1, mergeThreshold: 0.8, concurrency: 5 },
      { github },
    );
    const result: FeatureResult = await handle.result();
    expect(result.status).toBe('insufficient_merges');
    expect(result.merge?.pr).toBeUndefined();
    expect(unexpected).toEqual([]);
  });

  it('is opened as one draft at 0.6, field by field, and a retry updates the same PR', async () => {
    const repo = await createTestRepo();
    const marker = join(agentIoDir('marker'), 'fixed');
    const agentLine = `node ${SCRIPTED_AGENT} --write --fail-units ${failing.join(',')} --fixed-marker ${marker}`;
    const handle = await harness.startFeature(
      repo,
      taskListSpec('Widgets', titles),
      { providers: [{ preset: 'command', command: agentLine, args: [] }], maxIterations: 1, mergeThreshold: 0.6, concurrency: 5 },
      { github },
    );
    const head = `aidp/widgets/feature`;
    let created: PullBody | undefined;
    const createScope = nock('https://api.github.com')
      .get('/repos/octo-org/widgets/pulls')
      .query({ head: `octo-org:${head}`, state: 'open', per_page: '100' })
      .reply(200, [])
      .post('/repos/octo-org/widgets/pulls', (body: PullBody) => {
        created = body;
        return true;
      })
      .reply(201, { number: 7, html_url: 'https://github.com/octo-org/widgets/pull/7', head: { ref: head } });

    const first: FeatureResult = await handle.result();
    createScope.done();
    expect(first.merge?.merged).toHaveLength(3);
    expect(first.merge?.pr).toEqual({ number: 7, url: 'https://github.com/octo-org/widgets/pull/7', created: true });
    expect(created?.title).toBe('Widgets');
    expect(created?.head).toBe(head);
    expect(created?.base).toBe('main');
    expect(created?.draft).toBe(true);
    expect(created?.body).toContain('Closes #42');
    for (const title of titles.slice(0, 3)) expect(created?.body).toContain(title);
    expect(created?.body).toMatch(/widget-part-4|Widget part 4/);

    let updated: Partial<PullBody> | undefined;
    const updateScope = nock('https://api.github.com')
      .get('/repos/octo-org/widgets/pulls')
      .query(true)
      .reply(200, [{ number: 7, html_url: 'https://github.com/octo-org/widgets/pull/7', head: { ref: head }, created_at: '2026-11-23T00:00:00Z' }])
      .patch('/repos/octo-org/widgets/pulls/7', (body: Partial<PullBody>) => {
        updated = body;
        return true;
      })
      .reply(200, { number: 7, html_url: 'https://github.com/octo-org/widgets/pull/7', head: { ref: head } });
    writeFileSync(marker, 'fixed');
    await retryUnits(harness.client, handle.workflowId, []);
    const second: FeatureResult = await harness.client.workflow.getHandle(handle.workflowId).result();

    updateScope.done();
    expect(second.merge?.merged).toHaveLength(5);
    expect(second.merge?.pr).toEqual({ number: 7, url: 'https://github.com/octo-org/widgets/pull/7', created: false });
    for (const title of titles) expect(updated?.body).toContain(title);
    expect(unexpected).toEqual([]);
  });
});
