import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { createGitHubActivities } from '../src/activities/github/pull-requests.js';
import { failureOf } from './support/failures.js';
import { testOctokit } from './support/octokit.js';

const API = 'https://api.github.com';
const HEAD = 'aidp/login/feature';
const input = {
  installationId: 123,
  owner: 'octo',
  repo: 'app',
  head: HEAD,
  base: 'main',
  title: 'Login page',
  body: '## Login page\n\nCloses #42\n',
};

function activities(seen: number[] = []) {
  return createGitHubActivities({
    octokitFor: async (installationId) => {
      seen.push(installationId);
      return testOctokit();
    },
  });
}

function listOpen(scope: nock.Scope, prs: unknown[]): nock.Scope {
  return scope.get('/repos/octo/app/pulls').query({ head: `octo:${HEAD}`, state: 'open', per_page: '100' }).reply(200, prs);
}

describe('createOrUpdateFeaturePR', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('opens a draft PR from the feature branch when none is open', async () => {
    let sent: Record<string, unknown> = {};
    const scope = listOpen(nock(API), []);
    scope
      .post('/repos/octo/app/pulls', (body: Record<string, unknown>) => {
        sent = body;
        return true;
      })
      .reply(201, { number: 7, html_url: 'https://github.com/octo/app/pull/7', head: { ref: HEAD } });
    const installations: number[] = [];

    const pr = await activities(installations).createOrUpdateFeaturePR(input);

    expect(pr).toEqual({ number: 7, url: 'https://github.com/octo/app/pull/7', created: true });
    expect(installations).toEqual([123]);
    expect(sent.head).toBe(HEAD);
    expect(sent.base).toBe('main');
    expect(sent.title).toBe('Login page');
    expect(sent.body).toBe('## Login page\n\nCloses #42\n');
    expect(sent.draft).toBe(true);
    expect(Object.keys(sent).sort()).toEqual(['base', 'body', 'draft', 'head', 'title']);
    scope.done();
  });

  it('updates the open PR of the feature branch instead of opening a second one', async () => {
    let sent: Record<string, unknown> = {};
    const scope = listOpen(nock(API), [
      { number: 9, html_url: 'https://github.com/octo/app/pull/9', head: { ref: HEAD } },
      { number: 5, html_url: 'https://github.com/octo/app/pull/5', head: { ref: HEAD } },
    ]);
    scope
      .patch('/repos/octo/app/pulls/5', (body: Record<string, unknown>) => {
        sent = body;
        return true;
      })
      .reply(200, { number: 5, html_url: 'https://github.com/octo/app/pull/5', head: { ref: HEAD } });

    const pr = await activities().createOrUpdateFeaturePR({ ...input, title: 'Login page, again', body: 'new body' });

    expect(pr).toEqual({ number: 5, url: 'https://github.com/octo/app/pull/5', created: false });
    expect(sent).toEqual({ title: 'Login page, again', body: 'new body' });
    scope.done();
  });

  it('fails non-retryably with GitHub\'s message when GitHub refuses the PR', async () => {
    const scope = listOpen(nock(API), []);
    scope.post('/repos/octo/app/pulls').reply(422, {
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: `No commits between main and ${HEAD}` }],
      documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
    });

    const failure = await failureOf(activities().createOrUpdateFeaturePR(input));

    expect(failure.type).toBe('PullRequestRefused');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(`Validation Failed: No commits between main and ${HEAD}`);
    scope.done();
  });

  it('opens a ready PR where the repository cannot have drafts', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    const record = (body: Record<string, unknown>) => {
      bodies.push(body);
      return true;
    };
    const scope = listOpen(nock(API), []);
    scope
      .post('/repos/octo/app/pulls', record)
      .reply(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: 'Draft pull requests are not supported in this repository.' }] })
      .post('/repos/octo/app/pulls', record)
      .reply(201, { number: 8, html_url: 'https://github.com/octo/app/pull/8', head: { ref: HEAD } });

    const pr = await activities().createOrUpdateFeaturePR(input);

    expect(pr).toEqual({ number: 8, url: 'https://github.com/octo/app/pull/8', created: true });
    expect(bodies.map((b) => b.draft)).toEqual([true, undefined]);
    scope.done();
  });

  it('lets a server error through to be retried', async () => {
    const scope = listOpen(nock(API), []);
    scope.post('/repos/octo/app/pulls').reply(502, { message: 'Bad Gateway' });

    await expect(activities().createOrUpdateFeaturePR(input)).rejects.toMatchObject({ status: 502 });
    scope.done();
  });
});
