import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import nock from 'nock';
import { githubWorkflowId } from '../src/github/workflow-ids.js';
import { createTemporalProcessors } from '../src/processors/temporal-processors.js';
import { featureIdOf } from '../src/github/workflow-ids.js';
import { orchestrationStatusQuery } from '../src/domain/feature-status.js';
import { agentEvents } from './support/agent-log.js';
import { buildLabelled, repoWithScriptedAgent, startGitHubHarness } from './support/github-harness.js';
import type { Harness } from './support/harness.js';
import { taskListSpec } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';
import { APP_ID, blockNetwork, fixture, GITHUB_API, startTestApp, type TestApp } from './support/webhooks.js';
import { waitFor } from './support/wait-for.js';

const INSTALLATION = 4242;
/** GitHub clone URLs of this host are rewritten by git itself to the test repos in the temp dir. */
const CLONE_BASE = 'https://github.com/local-test/';

/** A repo whose agent is the scripted one (the GitHub path reads agents from .github/aidp.yml). */
const repoWithAgent = (flags: string) => repoWithScriptedAgent(flags);

function labeled(repo: string, opts: { login: string; spec: string; issue: number }) {
  return buildLabelled({ repo, cloneBase: CLONE_BASE, installation: INSTALLATION, ...opts });
}

describe('a build started from GitHub', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  let app: TestApp;
  beforeAll(async () => {
    blockNetwork();
    bundle = await bundleWorkflows();
    harness = await startGitHubHarness(bundle, CLONE_BASE);
  });
  afterEach(async () => {
    await app?.stop();
    nock.cleanAll();
  });
  afterAll(async () => {
    await harness?.close();
    nock.enableNetConnect();
  });

  it('starts one build with the id derived from the issue, however often the label arrives', async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client }) } });
    const repo = await repoWithAgent('--write --sleep 1500');
    const payload = labeled(repo, { login: 'alice', spec: taskListSpec('Widgets', ['Part one', 'Part two']), issue: 101 });
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const api = nock(GITHUB_API)
      .persist()
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .reply(201, { token: 'ghs_app', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get(`/repos/${owner}/${name}/collaborators/alice/permission`)
      .reply(200, { permission: 'write' })
      .get(`/repos/${owner}/${name}/issues/${payload.issue.number}/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/issues/${payload.issue.number}/comments`)
      .reply(201, { id: 501, html_url: 'https://github.com/c/501' });

    expect((await app.deliver('issues', payload)).status).toBe(200);
    expect((await app.deliver('issues', payload)).status).toBe(200);
    expect((await app.deliver('issues', { ...payload, label: { ...payload.label } })).status).toBe(200);

    const buildId = githubWorkflowId({ owner, repo: name, number: payload.issue.number, kind: 'build' });
    const runs = [];
    for await (const run of harness.client.workflow.list({ query: `WorkflowId = "${buildId}"` })) runs.push(run);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.type).toBe('BuildProcessorWorkflow');
    await waitFor(() => api.isDone(), 30_000, 'the build to post its status comment');
    await harness.client.workflow.getHandle(buildId).terminate('test done');
    api.done();
    api.persist(false);
  });

  it('pauses the build on `/aidp pause` from a writer, checked by query', async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client }) } });
    const logDir = agentIoDir('log');
    const repo = await repoWithAgent(`--write --sleep 3000 --log ${logDir}`);
    const payload = labeled(repo, { login: 'alice', spec: taskListSpec('Widgets', ['Part one', 'Part two', 'Part three']), issue: 102 });
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const api = nock(GITHUB_API)
      .persist()
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .reply(201, { token: 'ghs_app', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get(`/repos/${owner}/${name}/collaborators/alice/permission`)
      .reply(200, { permission: 'admin' })
      .get(/\/issues\/\d+\/comments/)
      .query(true)
      .reply(200, [])
      .post(/\/issues\/\d+\/comments$/)
      .reply(201, { id: 502, html_url: 'https://github.com/c/502' })
      .post(/\/issues\/comments\/\d+\/reactions$/)
      .reply(201, {});
    await app.deliver('issues', payload);
    await waitFor(() => agentEvents(logDir).length > 0, 30_000, 'an agent');

    const comment = fixture('issue_comment.created');
    comment.comment.body = '/aidp pause';
    comment.comment.user = { ...comment.comment.user, login: 'alice', type: 'User' };
    comment.sender = { ...comment.sender, login: 'alice', type: 'User' };
    comment.issue = { ...comment.issue, number: payload.issue.number, pull_request: undefined };
    comment.repository = payload.repository;
    comment.installation = { id: INSTALLATION };
    expect((await app.deliver('issue_comment', comment)).status).toBe(200);

    const buildId = githubWorkflowId({ owner, repo: name, number: payload.issue.number, kind: 'build' });
    const feature = harness.client.workflow.getHandle(featureIdOf(buildId));
    expect((await feature.query(orchestrationStatusQuery)).paused).toBe(true);
    await harness.client.workflow.getHandle(buildId).terminate('test done');
    api.done();
    api.persist(false);
  });

  it('goes from label to feature PR with one status comment, edited at the end, and one PR', async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client }) } });
    const repo = await repoWithAgent('--write');
    const payload = labeled(repo, { login: 'alice', spec: taskListSpec('Widgets', ['Part one', 'Part two']), issue: 103 });
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const issue = payload.issue.number as number;
    const bodies: Record<string, string> = {};
    const api = nock(GITHUB_API)
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .reply(201, { token: 'ghs_app', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get(`/repos/${owner}/${name}/collaborators/alice/permission`)
      .reply(200, { permission: 'write' })
      .get(`/repos/${owner}/${name}/issues/${issue}/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/issues/${issue}/comments`, (b: { body: string }) => Boolean((bodies.created = b.body)))
      .reply(201, { id: 777, html_url: 'https://github.com/c/777' })
      .get(`/repos/${owner}/${name}/pulls`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/pulls`, (b: { body: string }) => Boolean((bodies.pr = b.body)))
      .reply(201, { number: 12, html_url: `https://github.com/${owner}/${name}/pull/12`, head: { ref: 'x' } })
      .post(`/repos/${owner}/${name}/check-runs`)
      .reply(201, { id: 6012, html_url: 'https://github.com/runs/6012' })
      .patch(`/repos/${owner}/${name}/issues/comments/777`, (b: { body: string }) => Boolean((bodies.final = b.body)))
      .reply(200, { id: 777 });

    await app.deliver('issues', payload);
    const buildId = githubWorkflowId({ owner, repo: name, number: issue, kind: 'build' });
    const result = await harness.client.workflow.getHandle(buildId).result();

    expect(result).toMatchObject({ status: 'completed', prUrl: `https://github.com/${owner}/${name}/pull/12` });
    expect(bodies.created).toMatch(/aidp is building this issue/);
    expect(bodies.pr).toContain(`Closes #${issue}`);
    expect(bodies.final).toContain('Part one');
    expect(bodies.final).toContain(`pull/12`);
    api.done();
  });

  it('edits its one status comment while the build runs, then with the result', async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client, statusEveryMs: 500 }) } });
    const repo = await repoWithAgent('--write --sleep 2500');
    const payload = labeled(repo, { login: 'alice', spec: taskListSpec('Widgets', ['Part one', 'Part two']), issue: 104 });
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const edits: string[] = [];
    const api = nock(GITHUB_API)
      .persist()
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .reply(201, { token: 'ghs_app', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get(`/repos/${owner}/${name}/collaborators/alice/permission`)
      .reply(200, { permission: 'write' })
      .get(`/repos/${owner}/${name}/issues/104/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/issues/104/comments`)
      .reply(201, { id: 888, html_url: 'https://github.com/c/888' })
      .get(`/repos/${owner}/${name}/pulls`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/pulls`)
      .reply(201, { number: 13, html_url: `https://github.com/${owner}/${name}/pull/13`, head: { ref: 'x' } })
      .post(`/repos/${owner}/${name}/check-runs`)
      .reply(201, { id: 6013, html_url: 'https://github.com/runs/6013' })
      .patch(`/repos/${owner}/${name}/issues/comments/888`, (b: { body: string }) => Boolean(edits.push(b.body)))
      .reply(200, { id: 888 });

    await app.deliver('issues', payload);
    const buildId = githubWorkflowId({ owner, repo: name, number: 104, kind: 'build' });
    await harness.client.workflow.getHandle(buildId).result();
    api.done();
    api.persist(false);

    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.slice(0, -1).some((body) => /\*\*Widgets\*\*: running/.test(body))).toBe(true);
    expect(edits.at(-1)).toMatch(/\*\*Widgets\*\*: completed/);
    expect(new Set(edits).size).toBe(edits.length);
  });

  it('builds the units of this app\'s plan comment, with the edits a writer made to it, and not another app\'s later one', async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client }) } });
    const repo = await repoWithAgent('--write');
    const payload = labeled(repo, { login: 'alice', spec: taskListSpec('Widgets', ['From the issue body']), issue: 105 });
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const edited = ['<!-- aidp-plan -->', '### aidp plan', '```aidp-units', '- id: edited-by-a-person', '  title: Edited by a person', '```'].join('\n');
    const api = nock(GITHUB_API)
      .persist()
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .reply(201, { token: 'ghs_app', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get(`/repos/${owner}/${name}/collaborators/alice/permission`)
      .reply(200, { permission: 'write' })
      .get(`/repos/${owner}/${name}/issues/105/comments`)
      .query(true)
      .reply(200, [
        { id: 2, body: edited, user: { login: 'aidp[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } },
        { id: 3, body: edited.replace('Edited by a person', 'Forged'), user: { login: 'other-app[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID + 1 } },
      ])
      .post(`/repos/${owner}/${name}/issues/105/comments`)
      .reply(201, { id: 889, html_url: 'https://github.com/c/889' })
      .get(`/repos/${owner}/${name}/pulls`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/pulls`)
      .reply(201, { number: 14, html_url: `https://github.com/${owner}/${name}/pull/14`, head: { ref: 'x' } })
      .post(`/repos/${owner}/${name}/check-runs`)
      .reply(201, { id: 6014, html_url: 'https://github.com/runs/6014' })
      .patch(`/repos/${owner}/${name}/issues/comments/889`)
      .reply(200, { id: 889 });

    await app.deliver('issues', payload);
    const buildId = githubWorkflowId({ owner, repo: name, number: 105, kind: 'build' });
    await harness.client.workflow.getHandle(buildId).result();
    const feature = await harness.client.workflow.getHandle(featureIdOf(buildId)).result();
    api.done();
    api.persist(false);

    expect(feature.units.map((u: { spec: { title: string } }) => u.spec.title)).toEqual(['Edited by a person']);
  });
});
