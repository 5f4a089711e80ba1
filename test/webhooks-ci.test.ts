import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { APP_ID, blockNetwork, fixture, startTestApp, watchUnmatched, type TestApp } from './support/webhooks.js';

const REPO_ID = 186853002;
const FORK_ID = 555000111;
const BRANCH = 'aidp/dark-mode/feature';

/** The example check suite, failed, on an aidp branch with its pull request into the same repository. */
function failedSuite(overrides: { conclusion?: string; branch?: string; headRepoId?: number } = {}) {
  const payload = fixture('check_suite.completed');
  const suite = payload.check_suite;
  suite.conclusion = overrides.conclusion ?? 'failure';
  suite.head_branch = overrides.branch ?? BRANCH;
  suite.pull_requests[0].head.ref = suite.head_branch;
  suite.pull_requests[0].head.repo.id = overrides.headRepoId ?? REPO_ID;
  return payload;
}

describe('a completed check on a pull request', () => {
  let app: TestApp;
  let unmatched: ReturnType<typeof watchUnmatched>;
  let github: nock.Scope;

  beforeAll(blockNetwork);
  beforeEach(async () => {
    app = await startTestApp({ deps: { appId: APP_ID } });
    unmatched = watchUnmatched();
    // CI failures involve no person: no token, no permission check, no request at all.
    github = nock('https://api.github.com');
  });
  afterEach(async () => {
    github.done();
    expect(unmatched.requests).toEqual([]);
    unmatched.stop();
    nock.cleanAll();
    await app.stop();
  });

  it('starts a CI fix at the failed commit when a check suite fails on an aidp pull request', async () => {
    const payload = failedSuite();

    expect((await app.deliver('check_suite', payload)).status).toBe(200);

    expect(app.processors.calls).toEqual([
      {
        method: 'startCiFix',
        request: {
          owner: 'Codertocat',
          repo: 'Hello-World',
          installationId: payload.installation.id,
          cloneUrl: 'https://github.com/Codertocat/Hello-World.git',
          defaultBranch: 'master',
          prNumber: 2,
          headBranch: BRANCH,
          headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
          baseBranch: 'master',
          failure: { source: 'check_suite', id: 118578147, conclusion: 'failure' },
        },
      },
    ]);
  });

  it("starts nothing when the failed check suite belongs to a fork's pull request", async () => {
    expect((await app.deliver('check_suite', failedSuite({ headRepoId: FORK_ID }))).status).toBe(200);

    expect(app.processors.calls).toEqual([]);
  });

  it('starts nothing for a check suite that succeeded', async () => {
    expect((await app.deliver('check_suite', failedSuite({ conclusion: 'success' }))).status).toBe(200);

    expect(app.processors.calls).toEqual([]);
  });

  it('starts nothing for a failure on a branch aidp did not make', async () => {
    expect((await app.deliver('check_suite', failedSuite({ branch: 'changes' }))).status).toBe(200);

    expect(app.processors.calls).toEqual([]);
  });

  it('starts nothing for a failed check suite this app created itself', async () => {
    const payload = failedSuite();
    payload.check_suite.app.id = APP_ID;

    expect((await app.deliver('check_suite', payload)).status).toBe(200);

    expect(app.processors.calls).toEqual([]);
  });

  it('names the failed check run in the CI fix it starts', async () => {
    const payload = fixture('check_run.completed');
    payload.check_run.check_suite.head_branch = BRANCH;
    payload.check_run.pull_requests[0].head.ref = BRANCH;
    payload.check_run.conclusion = 'timed_out';

    expect((await app.deliver('check_run', payload)).status).toBe(200);

    expect(app.processors.calls).toEqual([
      expect.objectContaining({
        method: 'startCiFix',
        request: expect.objectContaining({ prNumber: 2, headBranch: BRANCH, failure: { source: 'check_run', id: 128620228, name: 'Octocoders-linter', conclusion: 'timed_out' } }),
      }),
    ]);
  });

  it('starts a CI fix for a failed workflow run on an aidp pull request, and nothing when its head is a fork', async () => {
    const payload = fixture('workflow_run.completed');
    const run = payload.workflow_run;
    payload.repository.id = run.head_repository.id;
    run.conclusion = 'failure';
    run.head_branch = BRANCH;
    Object.assign(run.pull_requests[0], { head: { ref: BRANCH, sha: run.head_sha, repo: { id: payload.repository.id } } });
    run.pull_requests[0].base.repo.id = payload.repository.id;

    expect((await app.deliver('workflow_run', payload)).status).toBe(200);
    run.head_repository.id = FORK_ID;
    expect((await app.deliver('workflow_run', payload)).status).toBe(200);

    expect(app.processors.calls).toEqual([
      expect.objectContaining({ method: 'startCiFix', request: expect.objectContaining({ prNumber: 2, headSha: run.head_sha, failure: expect.objectContaining({ source: 'workflow_run', id: run.id }) }) }),
    ]);
  });
});
