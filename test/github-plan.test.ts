import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import nock from 'nock';
import { createTemporalProcessors, type TemporalProcessors } from '../src/processors/temporal-processors.js';
import { SCRIPTED_AGENT } from './support/cli.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo } from './support/repos.js';
import { bundleWorkflows } from './support/temporal.js';
import { APP_ID, blockNetwork, GITHUB_API } from './support/webhooks.js';
import { testOctokit } from './support/octokit.js';

const CLONE_BASE = 'https://github.com/local-test/';

describe('planning an issue', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  let processors: TemporalProcessors;
  let repo: string;
  beforeAll(async () => {
    blockNetwork();
    bundle = await bundleWorkflows();
    harness = await startHarness({
      bundle,
      octokitFor: async () => testOctokit(),
      appId: APP_ID,
      gitEnv: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `url.${tmpdir()}/.insteadOf`, GIT_CONFIG_VALUE_0: CLONE_BASE },
    });
    processors = createTemporalProcessors({ client: harness.client });
    // The agent cannot split prose: only task lists and unit blocks make a plan.
    repo = await createTestRepo({ aidpYml: `agents:\n  providers:\n    - preset: command\n      command: node ${SCRIPTED_AGENT} --rate-limited\n` });
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await harness?.close();
    nock.enableNetConnect();
  });

  const request = (issueNumber: number, body: string) => ({
    owner: 'octo-org',
    repo: 'widgets',
    installationId: 4242,
    cloneUrl: `${CLONE_BASE}${basename(repo)}`,
    defaultBranch: 'main',
    issueNumber,
    title: 'Widgets',
    body,
    requestedBy: 'alice',
  });

  it('posts one plan comment with an editable units block and labels the issue ready', async () => {
    let comment = '';
    const api = nock(GITHUB_API)
      .get('/repos/octo-org/widgets/issues/40/comments')
      .query(true)
      .reply(200, [{ id: 1, body: 'a person says hi', user: { type: 'User' } }])
      .post('/repos/octo-org/widgets/issues/40/comments', (b: { body: string }) => Boolean((comment = b.body)))
      .reply(201, { id: 70 })
      .post('/repos/octo-org/widgets/issues/40/labels', { labels: ['aidp-ready'] })
      .reply(200, [])
      .delete('/repos/octo-org/widgets/issues/40/labels/aidp-needs-input')
      .reply(404, { message: 'Label does not exist' });

    const { workflowId } = await processors.startPlan(request(40, '- [ ] Make the widget\n- [ ] Test the widget'));
    expect(await harness.client.workflow.getHandle(workflowId).result()).toEqual({ status: 'ready', units: 2 });

    api.done();
    expect(comment).toContain('<!-- aidp-plan -->');
    expect(comment).toMatch(/```aidp-units\n- id: "make-the-widget"\n {2}title: "Make the widget"/);
  });

  it('edits the same plan comment on a re-plan instead of posting another', async () => {
    const api = nock(GITHUB_API)
      .get('/repos/octo-org/widgets/issues/41/comments')
      .query(true)
      .reply(200, [{ id: 71, body: '<!-- aidp-plan -->\nold plan', user: { login: 'aidp[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } }])
      .patch('/repos/octo-org/widgets/issues/comments/71', (b: { body: string }) => b.body.includes('Only unit'))
      .reply(200, { id: 71 })
      .post('/repos/octo-org/widgets/issues/41/labels')
      .reply(200, [])
      .delete('/repos/octo-org/widgets/issues/41/labels/aidp-needs-input')
      .reply(200, []);

    const { workflowId } = await processors.startPlan(request(41, '- [ ] Only unit'));
    await harness.client.workflow.getHandle(workflowId).result();
    api.done();
  });

  it('asks for input when the issue cannot be split, and labels it needs-input', async () => {
    let comment = '';
    const api = nock(GITHUB_API)
      .get('/repos/octo-org/widgets/issues/42/comments')
      .query(true)
      .reply(200, [])
      .post('/repos/octo-org/widgets/issues/42/comments', (b: { body: string }) => Boolean((comment = b.body)))
      .reply(201, { id: 72 })
      .post('/repos/octo-org/widgets/issues/42/labels', { labels: ['aidp-needs-input'] })
      .reply(200, [])
      .delete('/repos/octo-org/widgets/issues/42/labels/aidp-ready')
      .reply(404, {});

    const { workflowId } = await processors.startPlan(request(42, 'Make it nicer somehow.'));
    expect(await harness.client.workflow.getHandle(workflowId).result()).toEqual({ status: 'needs_input', units: 0 });
    api.done();
    expect(comment).toMatch(/aidp needs more to go on/);
    expect(comment).toMatch(/task list/);
  });
});
