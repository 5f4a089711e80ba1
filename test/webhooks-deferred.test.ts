import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { deliveryWorkflowId, githubWorkflowId } from '../src/github/workflow-ids.js';
import { createTemporalProcessors } from '../src/processors/temporal-processors.js';
import { refusalWorkflowId } from '../src/github/workflow-ids.js';
import { startHarness, type Harness } from './support/harness.js';
import { bundleWorkflows } from './support/temporal.js';
import { blockNetwork, fixture, GITHUB_API, recordingProcessors, startTestApp, watchUnmatched, type TestApp } from './support/webhooks.js';
import { testOctokit } from './support/octokit.js';

/** GitHub answers held back until the test lets them go: an ack that waited for one would never come. */
function heldAnswers(): { release(): void; answer(status: number, body: object): () => Promise<[number, object]> } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    release,
    answer: (status, body) => async () => {
      await released;
      return [status, body];
    },
  };
}
const OWNER = 'Codertocat';

/** A repository of its own per test: delivery and refusal workflows live on the dev server the whole run shares. */
function newRepo(): string {
  return `deferred-${randomUUID().slice(0, 8)}`;
}

function labelled(repo: string, label: string, login: string) {
  const payload = fixture('issues.labeled');
  payload.label.name = label;
  payload.sender = { ...payload.sender, login, type: 'User' };
  payload.repository.name = repo;
  return payload;
}

function commented(repo: string, body: string, login: string) {
  const payload = fixture('issue_comment.created');
  payload.comment.body = body;
  payload.comment.user = { ...payload.comment.user, login, type: 'User' };
  payload.sender = { ...payload.sender, login, type: 'User' };
  payload.issue = { ...payload.issue, pull_request: undefined };
  payload.repository.name = repo;
  return payload;
}

describe('deliveries acknowledged before GitHub is asked anything', () => {
  let harness: Harness;
  /** What the DeliveryWorkflows' activities asked of the processors (the refusal window is Temporal's). */
  const work = recordingProcessors();
  /** GitHub requests the worker's client finished, in order. */
  const answered: string[] = [];
  const apps: TestApp[] = [];
  const cleanup: string[] = [];
  let unmatched: ReturnType<typeof watchUnmatched>;

  beforeAll(async () => {
    blockNetwork();
    const bundle = await bundleWorkflows();
    harness = await startHarness({
      bundle,
      queues: ['orchestrator'],
      octokitFor: async () => {
        const octokit = testOctokit({ token: 'ghs_worker' });
        octokit.hook.after('request', (_response, options) => void answered.push(`${options.method} ${options.url}`));
        return octokit;
      },
      processors: { ...work.port, claimRefusalReply: (claim) => createTemporalProcessors({ client: harness.client }).claimRefusalReply(claim) },
    });
  });
  afterEach(async () => {
    expect(unmatched.requests).toEqual([]);
    unmatched.stop();
    nock.cleanAll();
    work.calls.splice(0);
    answered.splice(0);
    for (const app of apps.splice(0)) await app.stop();
    for (const id of cleanup.splice(0)) await harness.client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
  });
  afterAll(async () => {
    await harness?.close();
    nock.enableNetConnect();
  });

  /** The webhook server as `aidp server` runs it: deferred deliveries go to Temporal; nothing else is reached. */
  async function server(): Promise<TestApp> {
    const app = await startTestApp({ deps: { deliveries: createTemporalProcessors({ client: harness.client }) } });
    apps.push(app);
    return app;
  }

  /** Waits for the DeliveryWorkflow of one delivery and returns what it did. */
  function outcomeOf(repo: string, deliveryId: string): Promise<unknown> {
    return harness.client.workflow.getHandle(deliveryWorkflowId(OWNER, repo, deliveryId)).result();
  }

  it("acknowledges a writer's build label before any GitHub call completes, then the workflow checks permission and starts the build", async () => {
    unmatched = watchUnmatched();
    const repo = newRepo();
    const app = await server();
    const held = heldAnswers();
    const github = nock(GITHUB_API)
      .get(`/repos/${OWNER}/${repo}/contents/.github%2Faidp.yml`)
      .query({ ref: 'master' })
      .reply(held.answer(404, { message: 'Not Found' }))
      .get(`/repos/${OWNER}/${repo}/collaborators/alice/permission`)
      .reply(held.answer(200, { permission: 'write' }));
    const deliveryId = randomUUID();

    const ack = await app.deliver('issues', labelled(repo, 'aidp-build', 'alice'), { deliveryId });

    expect(ack.status).toBe(200);
    expect(answered).toEqual([]);
    expect(github.isDone()).toBe(false);
    expect(app.processors.calls).toEqual([]);
    held.release();
    expect(await outcomeOf(repo, deliveryId)).toBe('started');
    github.done();
    expect(work.calls.map((c) => [c.method, c.request.requestedBy, c.request.issueNumber])).toEqual([['startBuild', 'alice', 1]]);
  });

  it("acknowledges a writer's `/aidp pause` before any GitHub call completes, then the workflow checks permission, signals and reacts", async () => {
    unmatched = watchUnmatched();
    const repo = newRepo();
    const app = await server();
    const payload = commented(repo, '/aidp pause', 'alice');
    const held = heldAnswers();
    const github = nock(GITHUB_API)
      .get(`/repos/${OWNER}/${repo}/collaborators/alice/permission`)
      .reply(held.answer(200, { permission: 'maintain' }))
      .post(`/repos/${OWNER}/${repo}/issues/comments/${payload.comment.id}/reactions`, { content: '+1' })
      .reply(held.answer(201, {}));
    const deliveryId = randomUUID();

    const ack = await app.deliver('issue_comment', payload, { deliveryId });

    expect(ack.status).toBe(200);
    expect(answered).toEqual([]);
    expect(github.isDone()).toBe(false);
    held.release();
    expect(await outcomeOf(repo, deliveryId)).toBe('signalled');
    github.done();
    expect(work.calls.map((c) => [c.method, c.request.signal, c.request.requestedBy])).toEqual([['signalFeature', 'pause', 'alice']]);
  });

  it("acknowledges a writer's Re-run of a build's check run before any GitHub call completes, then the workflow checks permission and retries", async () => {
    unmatched = watchUnmatched();
    const repo = newRepo();
    const app = await server();
    const payload = fixture('check_run.completed');
    payload.action = 'rerequested';
    payload.sender = { ...payload.sender, login: 'alice', type: 'User' };
    payload.repository.name = repo;
    payload.check_run = { ...payload.check_run, name: 'aidp', external_id: '7' };
    const held = heldAnswers();
    const github = nock(GITHUB_API).get(`/repos/${OWNER}/${repo}/collaborators/alice/permission`).reply(held.answer(200, { permission: 'write' }));
    const deliveryId = randomUUID();

    const ack = await app.deliver('check_run', payload, { deliveryId });

    expect(ack.status).toBe(200);
    expect(answered).toEqual([]);
    expect(github.isDone()).toBe(false);
    held.release();
    expect(await outcomeOf(repo, deliveryId)).toBe('signalled');
    github.done();
    expect(work.calls.map((c) => [c.method, c.request.number, c.request.requestedBy])).toEqual([['retry', 7, 'alice']]);
  });

  it("starts a review from a writer's label on a pull request, decided in the workflow", async () => {
    unmatched = watchUnmatched();
    const repo = newRepo();
    const app = await server();
    const payload = fixture('pull_request.labeled');
    payload.label = { ...payload.label, name: 'aidp-review' };
    payload.sender = { ...payload.sender, login: 'alice', type: 'User' };
    payload.repository.name = repo;
    const github = nock(GITHUB_API)
      .get(`/repos/${OWNER}/${repo}/contents/.github%2Faidp.yml`)
      .query({ ref: 'master' })
      .reply(404, { message: 'Not Found' })
      .get(`/repos/${OWNER}/${repo}/collaborators/alice/permission`)
      .reply(200, { permission: 'write' });
    const deliveryId = randomUUID();

    expect((await app.deliver('pull_request', payload, { deliveryId })).status).toBe(200);
    expect(await outcomeOf(repo, deliveryId)).toBe('started');

    github.done();
    expect(work.calls.map((c) => [c.method, c.request.requestedBy, c.request.prNumber])).toEqual([['startReview', 'alice', payload.pull_request.number]]);
  });

  it('replies once to someone without write access who labels twice, from the workflow', async () => {
    unmatched = watchUnmatched();
    const repo = newRepo();
    cleanup.push(refusalWorkflowId({ owner: OWNER, repo, number: 1, login: 'reader' }));
    const app = await server();
    const github = nock(GITHUB_API)
      .get(`/repos/${OWNER}/${repo}/contents/.github%2Faidp.yml`)
      .query(true)
      .times(2)
      .reply(404, { message: 'Not Found' })
      .get(`/repos/${OWNER}/${repo}/collaborators/reader/permission`)
      .reply(200, { permission: 'read' })
      .post(`/repos/${OWNER}/${repo}/issues/1/comments`, (body: { body: string }) => body.body.startsWith('@reader, only people with write access'))
      .reply(201, {});
    const first = randomUUID();
    const second = randomUUID();

    expect((await app.deliver('issues', labelled(repo, 'aidp-build', 'reader'), { deliveryId: first })).status).toBe(200);
    expect(await outcomeOf(repo, first)).toBe('refused');
    expect((await app.deliver('issues', labelled(repo, 'aidp-build', 'reader'), { deliveryId: second })).status).toBe(200);
    expect(await outcomeOf(repo, second)).toBe('refused');

    github.done();
    expect(work.calls).toEqual([]);
  });

  it('does the work of a redelivered delivery id once', async () => {
    unmatched = watchUnmatched();
    const repo = newRepo();
    const app = await server();
    const github = nock(GITHUB_API)
      .get(`/repos/${OWNER}/${repo}/contents/.github%2Faidp.yml`)
      .query(true)
      .reply(404, { message: 'Not Found' })
      .get(`/repos/${OWNER}/${repo}/collaborators/alice/permission`)
      .reply(200, { permission: 'admin' });
    const deliveryId = randomUUID();
    const payload = labelled(repo, 'aidp-build', 'alice');

    expect((await app.deliver('issues', payload, { deliveryId })).status).toBe(200);
    expect(await outcomeOf(repo, deliveryId)).toBe('started');
    expect((await app.deliver('issues', payload, { deliveryId })).status).toBe(200);

    github.done();
    expect(work.calls.map((c) => c.method)).toEqual(['startBuild']);
    expect(app.logs.some((line) => line.msg === 'delivery seen before: nothing new started')).toBe(true);
  });

  it("starts work for the repository's own build label from .github/aidp.yml and ends quietly for the app-wide one", async () => {
    unmatched = watchUnmatched();
    const repo = newRepo();
    const app = await server();
    const config = 'labels:\n  build: please-build\n';
    const github = nock(GITHUB_API)
      .get(`/repos/${OWNER}/${repo}/contents/.github%2Faidp.yml`)
      .query({ ref: 'master' })
      .times(2)
      .reply(200, config)
      .get(`/repos/${OWNER}/${repo}/collaborators/alice/permission`)
      .reply(200, { permission: 'write' });
    const own = randomUUID();
    const appWide = randomUUID();

    expect((await app.deliver('issues', labelled(repo, 'Please-Build', 'alice'), { deliveryId: own })).status).toBe(200);
    expect(await outcomeOf(repo, own)).toBe('started');
    expect((await app.deliver('issues', labelled(repo, 'aidp-build', 'alice'), { deliveryId: appWide })).status).toBe(200);
    expect(await outcomeOf(repo, appWide)).toBe('ignored');

    github.done();
    expect(work.calls.map((c) => c.method)).toEqual(['startBuild']);
  });

  it('starts a new build run when the label is added again after the build ended, and none while it runs', async () => {
    unmatched = watchUnmatched();
    const repo = newRepo();
    const processors = createTemporalProcessors({ client: harness.client });
    const request = { owner: OWNER, repo, installationId: 1, cloneUrl: `https://github.com/${OWNER}/${repo}.git`, defaultBranch: 'main', issueNumber: 9, title: 'Gadgets', body: '', requestedBy: 'alice' };
    const buildId = githubWorkflowId({ owner: OWNER, repo, number: 9, kind: 'build' });
    cleanup.push(buildId);

    expect(await processors.startBuild(request)).toEqual({ workflowId: buildId, started: true });
    const first = await harness.client.workflow.getHandle(buildId).describe();
    expect(await processors.startBuild(request)).toEqual({ workflowId: buildId, started: false });
    await harness.client.workflow.getHandle(buildId).terminate('the build ended');
    expect(await processors.startBuild(request)).toEqual({ workflowId: buildId, started: true });

    const second = await harness.client.workflow.getHandle(buildId).describe();
    expect(second.runId).not.toBe(first.runId);
    expect(second.status.name).toBe('RUNNING');
  });
});
