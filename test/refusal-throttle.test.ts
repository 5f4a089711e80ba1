import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { createTemporalProcessors } from '../src/processors/temporal-processors.js';
import { refusalWorkflowId } from '../src/github/workflow-ids.js';
import { connectToTestServer, type TestTemporal } from './support/temporal.js';
import { blockNetwork, fixture, githubWithToken, startTestApp, watchUnmatched, type TestApp } from './support/webhooks.js';

/** A repository of its own per test: refusal windows live on the dev server the whole run shares. */
function labelledBy(login: string, repo: string) {
  const payload = fixture('issues.labeled');
  payload.label.name = 'aidp-build';
  payload.sender.login = login;
  payload.repository.name = repo;
  return payload;
}

describe('refusal replies', () => {
  let temporal: TestTemporal;
  const apps: TestApp[] = [];
  const windows: string[] = [];
  let unmatched: ReturnType<typeof watchUnmatched>;

  beforeAll(async () => {
    blockNetwork();
    temporal = await connectToTestServer();
  });
  afterEach(async () => {
    expect(unmatched.requests).toEqual([]);
    unmatched.stop();
    nock.cleanAll();
    for (const app of apps.splice(0)) await app.stop();
    for (const id of windows.splice(0)) await temporal.client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
  });
  afterAll(async () => {
    await temporal?.close();
    nock.enableNetConnect();
  });

  /** A webhook server on the run's Temporal, as `aidp server` runs it. */
  async function server(): Promise<TestApp> {
    const app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: temporal.client }) } });
    apps.push(app);
    return app;
  }

  it('answers two refusals in a row to the same person on the same issue with one reply', async () => {
    unmatched = watchUnmatched();
    const repo = `refusals-${randomUUID().slice(0, 8)}`;
    const payload = labelledBy('reader', repo);
    windows.push(refusalWorkflowId({ owner: 'Codertocat', repo, number: 1, login: 'reader' }));
    const app = await server();
    const scope = githubWithToken(payload.installation.id)
      .get(`/repos/Codertocat/${repo}/collaborators/reader/permission`)
      .reply(200, { permission: 'read' })
      .post(`/repos/Codertocat/${repo}/issues/1/comments`)
      .reply(201, {});

    expect((await app.deliver('issues', payload)).status).toBe(200);
    expect((await app.deliver('issues', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([]);
  });

  it('stays silent to the same person after a server restart, and still replies to another person', async () => {
    unmatched = watchUnmatched();
    const repo = `refusals-${randomUUID().slice(0, 8)}`;
    windows.push(refusalWorkflowId({ owner: 'Codertocat', repo, number: 1, login: 'reader' }));
    windows.push(refusalWorkflowId({ owner: 'Codertocat', repo, number: 1, login: 'other-reader' }));
    const first = await server();
    const before = githubWithToken(1)
      .get(`/repos/Codertocat/${repo}/collaborators/reader/permission`)
      .reply(200, { permission: 'read' })
      .post(`/repos/Codertocat/${repo}/issues/1/comments`, (body: { body: string }) => body.body.startsWith('@reader,'))
      .reply(201, {});
    const reader = labelledBy('reader', repo);
    reader.installation.id = 1;
    expect((await first.deliver('issues', reader)).status).toBe(200);
    before.done();
    await first.stop();
    apps.splice(apps.indexOf(first), 1);

    const second = await server();
    const after = githubWithToken(1)
      .get(`/repos/Codertocat/${repo}/collaborators/reader/permission`)
      .reply(200, { permission: 'read' })
      .get(`/repos/Codertocat/${repo}/collaborators/other-reader/permission`)
      .reply(200, { permission: 'read' })
      .post(`/repos/Codertocat/${repo}/issues/1/comments`, (body: { body: string }) => body.body.startsWith('@other-reader,'))
      .reply(201, {});
    const other = labelledBy('other-reader', repo);
    other.installation.id = 1;
    expect((await second.deliver('issues', reader)).status).toBe(200);
    expect((await second.deliver('issues', other)).status).toBe(200);

    after.done();
  });
});
