import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { APP_ID, blockNetwork, fixture, githubWithToken, startTestApp, watchUnmatched, type TestApp } from './support/webhooks.js';

const REPO = '/repos/Codertocat/Hello-World';

/** A click on a build's `aidp` check run (made by this app for issue 7). */
function checkRunRequest(action: 'rerequested' | 'requested_action', opts: { login?: string; appId?: number; identifier?: string } = {}) {
  const payload = fixture('check_run.completed');
  payload.action = action;
  payload.sender = { ...payload.sender, login: opts.login ?? 'Codertocat', type: 'User' };
  payload.check_run = { ...payload.check_run, name: 'aidp', external_id: '7', app: { ...payload.check_run.app, id: opts.appId ?? APP_ID } };
  if (action === 'requested_action') payload.requested_action = { identifier: opts.identifier ?? 'retry_failed' };
  return payload;
}

/** "Re-run all checks" on this app's check suite of `branch`. */
function checkSuiteRequest(branch: string, opts: { appId?: number } = {}) {
  const payload = fixture('check_suite.completed');
  payload.action = 'rerequested';
  payload.sender = { ...payload.sender, login: 'Codertocat', type: 'User' };
  payload.check_suite = { ...payload.check_suite, head_branch: branch, app: { ...payload.check_suite.app, id: opts.appId ?? APP_ID } };
  return payload;
}

function permission(login: string, level: string) {
  return githubWithToken(fixture('check_run.completed').installation.id).get(`${REPO}/collaborators/${login}/permission`).reply(200, { permission: level });
}

describe("clicks on a build's check run", () => {
  let app: TestApp;
  let unmatched: ReturnType<typeof watchUnmatched>;

  beforeAll(blockNetwork);
  beforeEach(async () => {
    app = await startTestApp({ deps: { appId: APP_ID } });
    unmatched = watchUnmatched();
  });
  afterEach(async () => {
    expect(unmatched.requests).toEqual([]);
    unmatched.stop();
    nock.cleanAll();
    await app.stop();
  });

  it.each(['rerequested', 'requested_action'] as const)('retries the failed units of the build of the issue when a writer clicks (%s)', async (action) => {
    const github = permission('Codertocat', 'write');

    expect((await app.deliver('check_run', checkRunRequest(action))).status).toBe(200);

    github.done();
    expect(app.processors.calls).toEqual([
      {
        method: 'retry',
        request: expect.objectContaining({ owner: 'Codertocat', repo: 'Hello-World', number: 7, isPullRequest: false, units: [], requestedBy: 'Codertocat' }),
      },
    ]);
  });

  it('answers a read-only user who clicks "Retry failed units" once on the issue and retries nothing', async () => {
    const github = permission('reader', 'read')
      .post(`${REPO}/issues/7/comments`, (b: { body: string }) => b.body.includes('@reader, only people with write access'))
      .reply(201, { id: 1 });

    expect((await app.deliver('check_run', checkRunRequest('requested_action', { login: 'reader' }))).status).toBe(200);

    github.done();
    expect(app.processors.calls).toEqual([]);
  });

  it.each([
    ["another app's check run", checkRunRequest('rerequested', { appId: APP_ID + 1 })],
    ['an action aidp did not offer', checkRunRequest('requested_action', { identifier: 'deploy' })],
  ])('makes no request and retries nothing for %s', async (_what, payload) => {
    const github = nock('https://api.github.com');

    expect((await app.deliver('check_run', payload)).status).toBe(200);

    github.done();
    expect(app.processors.calls).toEqual([]);
  });

  it("retries the failed units of the issue's build when a writer re-runs all checks of its feature branch's suite", async () => {
    const github = permission('Codertocat', 'write');

    expect((await app.deliver('check_suite', checkSuiteRequest('aidp/issue-7-add-widgets/feature'))).status).toBe(200);

    github.done();
    expect(app.processors.calls).toEqual([
      { method: 'retry', request: expect.objectContaining({ number: 7, isPullRequest: false, units: [], requestedBy: 'Codertocat' }) },
    ]);
  });

  it.each([
    ['a branch that is not a build\'s feature branch', checkSuiteRequest('main')],
    ["another app's suite", checkSuiteRequest('aidp/issue-7-add-widgets/feature', { appId: APP_ID + 1 })],
  ])('makes no request and retries nothing when all checks are re-run on %s', async (_what, payload) => {
    const github = nock('https://api.github.com');

    expect((await app.deliver('check_suite', payload)).status).toBe(200);

    github.done();
    expect(app.processors.calls).toEqual([]);
  });
});
