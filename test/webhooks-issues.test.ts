import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { blockNetwork, fixture, githubWithToken, startTestApp, watchUnmatched, type TestApp } from './support/webhooks.js';

const REPO = '/repos/Codertocat/Hello-World';

function labeled(name: string, login = 'Codertocat', type = 'User') {
  const payload = fixture('issues.labeled');
  payload.label.name = name;
  payload.sender.login = login;
  payload.sender.type = type;
  return payload;
}

describe('issues.labeled', () => {
  let app: TestApp;
  let unmatched: ReturnType<typeof watchUnmatched>;

  beforeAll(blockNetwork);
  beforeEach(async () => {
    app = await startTestApp();
    unmatched = watchUnmatched();
  });
  afterEach(async () => {
    unmatched.stop();
    nock.cleanAll();
    await app.stop();
  });

  it('starts one build with the issue as GitHub sent it, sanitized, when a writer adds aidp-build', async () => {
    const payload = labeled('aidp-build');
    payload.issue.title = 'Add\u200b dark mode';
    payload.issue.body = 'Make it dark.<!-- /aidp cancel -->\r\nAlso the footer.';
    const scope = githubWithToken(payload.installation.id)
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, { permission: 'write', role_name: 'write' });

    const response = await app.deliver('issues', payload);

    expect(response.status).toBe(200);
    scope.done();
    expect(unmatched.requests).toEqual([]);
    expect(app.processors.calls).toEqual([
      {
        method: 'startBuild',
        request: {
          owner: 'Codertocat',
          repo: 'Hello-World',
          issueNumber: 1,
          installationId: payload.installation.id,
          cloneUrl: 'https://github.com/Codertocat/Hello-World.git',
          defaultBranch: 'master',
          title: 'Add dark mode',
          body: 'Make it dark.\nAlso the footer.',
          requestedBy: 'Codertocat',
        },
      },
    ]);
  });

  it('starts a plan, not a build, for the aidp-plan label, whatever its case', async () => {
    const payload = labeled('AIDP-Plan');
    const scope = githubWithToken(payload.installation.id)
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, { permission: 'admin', role_name: 'admin' });

    expect((await app.deliver('issues', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls.map((call) => call.method)).toEqual(['startPlan']);
  });

  it('answers a read-only user with one polite comment and starts nothing', async () => {
    const payload = labeled('aidp-build', 'reader');
    const scope = githubWithToken(payload.installation.id)
      .get(`${REPO}/collaborators/reader/permission`)
      .reply(200, { permission: 'read', role_name: 'read' })
      .post(`${REPO}/issues/1/comments`, (body: { body: string }) => /^@reader, only people with write access to this repository can start aidp with the `aidp-build` label\.$/.test(body.body))
      .reply(201, { id: 1 });

    expect((await app.deliver('issues', payload)).status).toBe(200);

    scope.done();
    expect(unmatched.requests).toEqual([]);
    expect(app.processors.calls).toEqual([]);
  });

  it('asks GitHub about the labeler once when the same delivery arrives twice', async () => {
    const payload = labeled('aidp-build');
    const scope = githubWithToken(payload.installation.id)
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .once()
      .reply(200, { permission: 'write', role_name: 'maintain' });

    expect((await app.deliver('issues', payload)).status).toBe(200);
    expect((await app.deliver('issues', payload)).status).toBe(200);

    scope.done();
    expect(unmatched.requests).toEqual([]);
    const ids = app.processors.calls.map((call) => call.request.issueNumber);
    expect(ids).toEqual([1, 1]);
  });

  it('makes no GitHub request for a label aidp does not use', async () => {
    const scope = nock('https://api.github.com');

    expect((await app.deliver('issues', labeled('bug'))).status).toBe(200);

    scope.done();
    expect(unmatched.requests).toEqual([]);
    expect(app.processors.calls).toEqual([]);
  });

  it.each([
    ['type Bot', 'renovate', 'Bot'],
    ['a [bot] login', 'aidp-app[bot]', 'User'],
  ])('ignores an aidp-build label added by a bot (%s) without any GitHub request', async (_what, login, type) => {
    const scope = nock('https://api.github.com');

    expect((await app.deliver('issues', labeled('aidp-build', login, type))).status).toBe(200);

    scope.done();
    expect(unmatched.requests).toEqual([]);
    expect(app.processors.calls).toEqual([]);
  });

  it('follows the labels it is configured with instead of the defaults', async () => {
    await app.stop();
    app = await startTestApp({ deps: { labels: { build: 'ship-it' } } });
    const payload = labeled('ship-it');
    const scope = githubWithToken(payload.installation.id)
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, { permission: 'write' });

    expect((await app.deliver('issues', payload)).status).toBe(200);
    expect((await app.deliver('issues', labeled('aidp-build'))).status).toBe(200);

    scope.done();
    expect(unmatched.requests).toEqual([]);
    expect(app.processors.calls.map((call) => call.method)).toEqual(['startBuild']);
  });
});
