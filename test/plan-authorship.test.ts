import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { createPlanActivities, PLAN_MARKER } from '../src/activities/github/plan-comments.js';
import { APP_ID, blockNetwork, GITHUB_API, watchUnmatched } from './support/webhooks.js';
import { testOctokit } from './support/octokit.js';

const COMMENTS = '/repos/octo-org/widgets/issues/7/comments';
const permission = (login: string) => `/repos/octo-org/widgets/collaborators/${login}/permission`;
const issue = { installationId: 1, owner: 'octo-org', repo: 'widgets', issueNumber: 7 };

function plan(title: string): string {
  return [PLAN_MARKER, '### aidp plan', '```aidp-units', `- id: ${title.toLowerCase().replace(/ /g, '-')}`, `  title: ${title}`, '```'].join('\n');
}

const fromApp = (id: number, title: string) => ({ id, body: plan(title), user: { login: 'aidp[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } });
const fromOtherApp = (id: number, title: string) => ({ id, body: plan(title), user: { login: 'helper[bot]', type: 'Bot' }, performed_via_github_app: { id: 1111 } });
const fromPerson = (id: number, login: string, title: string) => ({ id, body: plan(title), user: { login, type: 'User' }, performed_via_github_app: null });

describe('plan authorship', () => {
  let unmatched: ReturnType<typeof watchUnmatched>;
  beforeAll(blockNetwork);
  afterEach(() => {
    expect(unmatched.requests).toEqual([]);
    unmatched.stop();
    nock.cleanAll();
  });
  const activities = () => {
    unmatched = watchUnmatched();
    return createPlanActivities({ octokitFor: async () => testOctokit(), appId: APP_ID });
  };

  it('ignores a later plan comment from another app and builds the plan this app wrote', async () => {
    const plans = activities();
    const scope = nock(GITHUB_API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [fromApp(1, 'From this app'), fromOtherApp(2, 'From another app')]);

    await expect(plans.latestPlan(issue)).resolves.toContain('title: From this app');
    scope.done();
  });

  it('ignores a plan comment from a reader', async () => {
    const plans = activities();
    const scope = nock(GITHUB_API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [fromApp(1, 'From this app'), fromPerson(2, 'reader', 'From a reader')])
      .get(permission('reader'))
      .reply(200, { permission: 'read' });

    await expect(plans.latestPlan(issue)).resolves.toContain('title: From this app');
    scope.done();
  });

  it('builds the plan a writer wrote after the app', async () => {
    const plans = activities();
    const scope = nock(GITHUB_API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [fromApp(1, 'From this app'), fromPerson(2, 'alice', 'Edited by alice')])
      .get(permission('alice'))
      .reply(200, { permission: 'write' });

    await expect(plans.latestPlan(issue)).resolves.toContain('title: Edited by alice');
    scope.done();
  });

  it('has no plan when only another app and a reader wrote the marker', async () => {
    const plans = activities();
    const scope = nock(GITHUB_API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [fromOtherApp(1, 'From another app'), fromPerson(2, 'reader', 'From a reader')])
      .get(permission('reader'))
      .reply(404, { message: 'Not Found' });

    await expect(plans.latestPlan(issue)).resolves.toBeUndefined();
    scope.done();
  });

  it('posts its own plan comment instead of editing another app\'s that carries the marker', async () => {
    const plans = activities();
    const scope = nock(GITHUB_API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [fromOtherApp(5, 'From another app')])
      .post(COMMENTS, (body: { body: string }) => body.body.startsWith(PLAN_MARKER))
      .reply(201, { id: 6 });

    await expect(plans.upsertPlanComment({ ...issue, body: 'new plan' })).resolves.toEqual({ id: 6, created: true });
    scope.done();
  });
});
