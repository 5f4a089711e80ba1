import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { HELP_TEXT } from '../src/github/commands.js';
import { blockNetwork, fixture, githubWithToken, startTestApp, watchUnmatched, type TestApp } from './support/webhooks.js';

const REPO = '/repos/Codertocat/Hello-World';
const COMMENT_ID = 492700400;

function commented(body: string, opts: { login?: string; type?: string; onPullRequest?: boolean } = {}) {
  const payload = fixture('issue_comment.created');
  payload.comment.body = body;
  payload.comment.user.login = payload.sender.login = opts.login ?? 'Codertocat';
  payload.comment.user.type = payload.sender.type = opts.type ?? 'User';
  if (opts.onPullRequest) payload.issue.pull_request = { url: `https://api.github.com${REPO}/pulls/1` };
  return payload;
}

function writer(installationId: number, login = 'Codertocat') {
  return githubWithToken(installationId).get(`${REPO}/collaborators/${login}/permission`).reply(200, { permission: 'write', role_name: 'write' });
}

/** The pull request as GitHub's API returns it: the fixture's, with the head branch and repository given. */
function pullRequest(headRef: string, headRepoId = 186853002) {
  const pr = fixture('pull_request.labeled').pull_request;
  pr.number = 1;
  pr.head.ref = headRef;
  pr.head.repo.id = headRepoId;
  return pr;
}

describe('issue_comment.created with an /aidp command', () => {
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

  it('pauses the run and reacts at once when a writer comments /aidp pause', async () => {
    const payload = commented('Hold on.\n/aidp pause');
    const scope = writer(payload.installation.id)
      .post(`${REPO}/issues/comments/${COMMENT_ID}/reactions`, { content: '+1' })
      .reply(201, { id: 1, content: '+1' });

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(unmatched.requests).toEqual([]);
    expect(app.processors.calls).toEqual([
      {
        method: 'signalFeature',
        request: { owner: 'Codertocat', repo: 'Hello-World', number: 1, isPullRequest: false, installationId: payload.installation.id, requestedBy: 'Codertocat', signal: 'pause' },
      },
    ]);
  });

  it('answers a read-only user who comments /aidp pause with one reply and signals nothing', async () => {
    const payload = commented('/aidp pause', { login: 'reader' });
    const scope = githubWithToken(payload.installation.id)
      .get(`${REPO}/collaborators/reader/permission`)
      .reply(200, { permission: 'read', role_name: 'triage' })
      .post(`${REPO}/issues/1/comments`, (body: { body: string }) => body.body === '@reader, only people with write access to this repository can run `/aidp pause`.')
      .reply(201, { id: 2 });

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(unmatched.requests).toEqual([]);
    expect(app.processors.calls).toEqual([]);
  });

  it('ignores /aidp pause from a bot without any GitHub request', async () => {
    const scope = nock('https://api.github.com');

    const response = await app.deliver('issue_comment', commented('/aidp pause', { login: 'aidp-app[bot]', type: 'Bot' }));

    expect(response.status).toBe(200);
    scope.done();
    expect(unmatched.requests).toEqual([]);
    expect(app.processors.calls).toEqual([]);
  });

  it('makes no GitHub request for a comment that only quotes or fences a command', async () => {
    const scope = nock('https://api.github.com');
    const body = '> /aidp cancel\n\n```\n/aidp cancel\n```\n<!-- /aidp cancel -->\nthanks';

    expect((await app.deliver('issue_comment', commented(body))).status).toBe(200);

    scope.done();
    expect(unmatched.requests).toEqual([]);
    expect(app.processors.calls).toEqual([]);
  });

  it('replies with the help text to an unknown command', async () => {
    const payload = commented('/aidp deploy production');
    const scope = writer(payload.installation.id)
      .post(`${REPO}/issues/1/comments`, (body: { body: string }) => body.body.startsWith("@Codertocat, I don't know `/aidp deploy production`.") && body.body.endsWith(HELP_TEXT))
      .reply(201, { id: 3 });

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([]);
  });

  it('replies with the help text to /aidp help and reacts to nothing', async () => {
    const payload = commented('/AIDP Help');
    const scope = writer(payload.installation.id).post(`${REPO}/issues/1/comments`, { body: HELP_TEXT }).reply(201, { id: 4 });

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(unmatched.requests).toEqual([]);
  });

  it('replies to /aidp status with the status table from the processors', async () => {
    await app.stop();
    app = await startTestApp({ answers: { status: '| units | done |\n|---|---|\n| 6 | 4 |' } });
    const payload = commented('/aidp status');
    const scope = writer(payload.installation.id).post(`${REPO}/issues/1/comments`, { body: '| units | done |\n|---|---|\n| 6 | 4 |' }).reply(201, { id: 5 });

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls.map((call) => call.method)).toEqual(['status']);
  });

  it('replies to /aidp status that no run exists yet when the processors know none', async () => {
    const payload = commented('/aidp status');
    const scope = writer(payload.installation.id).post(`${REPO}/issues/1/comments`, { body: 'No aidp run on this issue yet.' }).reply(201, { id: 6 });

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
  });

  it('starts a build and reacts with a rocket for /aidp build on an issue', async () => {
    const payload = commented('  /aidp build');
    const scope = writer(payload.installation.id).post(`${REPO}/issues/comments/${COMMENT_ID}/reactions`, { content: 'rocket' }).reply(201, {});

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([
      expect.objectContaining({ method: 'startBuild', request: expect.objectContaining({ issueNumber: 1, title: 'Spelling error in the README file', requestedBy: 'Codertocat' }) }),
    ]);
  });

  it('reacts with a thumbs-up, not a rocket, when the build was already running', async () => {
    await app.stop();
    app = await startTestApp({ answers: { started: false } });
    const payload = commented('/aidp build');
    const scope = writer(payload.installation.id).post(`${REPO}/issues/comments/${COMMENT_ID}/reactions`, { content: '+1' }).reply(201, {});

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls.map((call) => call.method)).toEqual(['startBuild']);
  });

  it('starts a change request with the instruction on an aidp pull request', async () => {
    const payload = commented('/aidp change rename the flag\nto --dark, and update the docs', { onPullRequest: true });
    const pr = pullRequest('aidp/dark-mode/feature');
    const scope = writer(payload.installation.id)
      .get(`${REPO}/pulls/1`)
      .reply(200, pr)
      .post(`${REPO}/issues/comments/${COMMENT_ID}/reactions`, { content: 'rocket' })
      .reply(201, {});

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([
      {
        method: 'startChangeRequest',
        request: {
          owner: 'Codertocat',
          repo: 'Hello-World',
          installationId: payload.installation.id,
          cloneUrl: 'https://github.com/Codertocat/Hello-World.git',
          defaultBranch: 'master',
          prNumber: 1,
          headBranch: 'aidp/dark-mode/feature',
          headSha: pr.head.sha,
          baseBranch: 'master',
          requestedBy: 'Codertocat',
          instruction: 'rename the flag\nto --dark, and update the docs',
        },
      },
    ]);
  });

  it("declines /aidp fix-ci on a fork's pull request and starts nothing", async () => {
    const payload = commented('/aidp fix-ci', { onPullRequest: true });
    const scope = writer(payload.installation.id)
      .get(`${REPO}/pulls/1`)
      .reply(200, pullRequest('aidp/dark-mode/feature', 999))
      .post(`${REPO}/issues/1/comments`, (body: { body: string }) => body.body.includes('comes from a fork'))
      .reply(201, {});

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([]);
  });

  it('tells the commenter that /aidp build works on issues when written on a pull request', async () => {
    const payload = commented('/aidp build', { onPullRequest: true });
    const scope = writer(payload.installation.id)
      .post(`${REPO}/issues/1/comments`, { body: '@Codertocat, `/aidp build` works on issues, not on pull requests.' })
      .reply(201, {});

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([]);
  });

  it('passes /aidp retry and /aidp concurrency on, and reports a refusal by the processors', async () => {
    await app.stop();
    app = await startTestApp({ answers: { message: { delivered: false, reason: 'the run has finished.' } } });
    const payload = commented('/aidp concurrency 8');
    const scope = writer(payload.installation.id)
      .post(`${REPO}/issues/1/comments`, { body: '@Codertocat, `/aidp concurrency` changed nothing: the run has finished.' })
      .reply(201, {});

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);
    app.processors.answers.message = undefined;
    const retry = nock('https://api.github.com').post(`${REPO}/issues/comments/${COMMENT_ID}/reactions`, { content: '+1' }).reply(201, {});
    expect((await app.deliver('issue_comment', commented('/aidp retry api, ui'))).status).toBe(200);

    scope.done();
    retry.done();
    expect(app.processors.calls.map((call) => [call.method, call.request.concurrency ?? call.request.units])).toEqual([
      ['setConcurrency', 8],
      ['retry', ['api', 'ui']],
    ]);
  });

  it('sends /aidp retry written on a feature pull request to the build of the issue it came from', async () => {
    const payload = commented('/aidp retry api', { onPullRequest: true });
    const scope = writer(payload.installation.id)
      .get(`${REPO}/pulls/1`)
      .reply(200, pullRequest('aidp/issue-7-dark-mode/feature'))
      .post(`${REPO}/issues/comments/${COMMENT_ID}/reactions`, { content: '+1' })
      .reply(201, {});

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([
      {
        method: 'retry',
        request: { owner: 'Codertocat', repo: 'Hello-World', number: 7, isPullRequest: false, installationId: payload.installation.id, requestedBy: 'Codertocat', units: ['api'] },
      },
    ]);
  });

  it('says to use the issue for /aidp pause on a pull request no aidp build opened, and signals nothing', async () => {
    const payload = commented('/aidp pause', { onPullRequest: true });
    const scope = writer(payload.installation.id)
      .get(`${REPO}/pulls/1`)
      .reply(200, pullRequest('aidp/dark-mode/api'))
      .post(`${REPO}/issues/1/comments`, (body: { body: string }) => body.body.includes('send it on the issue the feature was built from'))
      .reply(201, {});

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([]);
  });

  it("does not take a fork's pull request from an aidp-looking branch for a feature pull request", async () => {
    const payload = commented('/aidp cancel', { onPullRequest: true });
    const scope = writer(payload.installation.id)
      .get(`${REPO}/pulls/1`)
      .reply(200, pullRequest('aidp/issue-7-dark-mode/feature', 999))
      .post(`${REPO}/issues/1/comments`, (body: { body: string }) => body.body.includes('was not opened by one'))
      .reply(201, {});

    expect((await app.deliver('issue_comment', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([]);
  });
});
