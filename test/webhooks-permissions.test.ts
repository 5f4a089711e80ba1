import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { createPermissionChecker, isBot } from '../src/github/permissions.js';
import { blockNetwork, watchUnmatched } from './support/webhooks.js';
import { testOctokit } from './support/octokit.js';

const PERMISSION = '/repos/octo-org/app/collaborators/mona/permission';

describe('createPermissionChecker', () => {
  let unmatched: ReturnType<typeof watchUnmatched>;
  beforeAll(blockNetwork);
  afterEach(() => {
    expect(unmatched.requests).toEqual([]);
    unmatched.stop();
    nock.cleanAll();
  });
  const watch = () => (unmatched = watchUnmatched());

  it.each([
    ['admin', 'admin', true],
    ['write', 'maintain', true],
    ['write', 'write', true],
    ['write', 'ci-writer', true],
    ['read', 'triage', false],
    ['read', 'read', false],
    ['none', undefined, false],
  ])('answers %s (role %s) with %s', async (permission, roleName, allowed) => {
    watch();
    const scope = nock('https://api.github.com').get(PERMISSION).reply(200, { permission, ...(roleName ? { role_name: roleName } : {}) });

    await expect(createPermissionChecker().canWrite(testOctokit(), 'octo-org', 'app', 'mona')).resolves.toBe(allowed);

    scope.done();
  });

  it('answers false for someone GitHub does not know as a collaborator (404)', async () => {
    watch();
    const scope = nock('https://api.github.com').get(PERMISSION).reply(404, { message: 'Not Found' });

    await expect(createPermissionChecker().canWrite(testOctokit(), 'octo-org', 'app', 'mona')).resolves.toBe(false);

    scope.done();
  });

  it('reuses an answer for the same repository and user until the ttl passes, then asks again', async () => {
    watch();
    let clock = 1_000;
    const checker = createPermissionChecker({ ttlMs: 60_000, now: () => clock });
    const scope = nock('https://api.github.com')
      .get(PERMISSION)
      .reply(200, { permission: 'write' })
      .get(PERMISSION)
      .reply(200, { permission: 'read' });

    await expect(checker.canWrite(testOctokit(), 'octo-org', 'app', 'mona')).resolves.toBe(true);
    clock += 59_999;
    await expect(checker.canWrite(testOctokit(), 'Octo-Org', 'App', 'Mona')).resolves.toBe(true);
    expect(scope.pendingMocks()).toHaveLength(1);
    clock += 1;
    await expect(checker.canWrite(testOctokit(), 'octo-org', 'app', 'mona')).resolves.toBe(false);

    scope.done();
  });

  it('asks about each repository separately', async () => {
    watch();
    const checker = createPermissionChecker();
    const scope = nock('https://api.github.com')
      .get(PERMISSION)
      .reply(200, { permission: 'write' })
      .get('/repos/octo-org/other/collaborators/mona/permission')
      .reply(200, { permission: 'read' });

    await expect(checker.canWrite(testOctokit(), 'octo-org', 'app', 'mona')).resolves.toBe(true);
    await expect(checker.canWrite(testOctokit(), 'octo-org', 'other', 'mona')).resolves.toBe(false);

    scope.done();
  });

  it('fails, and remembers nothing, when GitHub answers with a server error', async () => {
    watch();
    const checker = createPermissionChecker();
    const scope = nock('https://api.github.com').get(PERMISSION).reply(502, { message: 'Bad Gateway' }).get(PERMISSION).reply(200, { permission: 'admin' });

    await expect(checker.canWrite(testOctokit(), 'octo-org', 'app', 'mona')).rejects.toMatchObject({ status: 502 });
    await expect(checker.canWrite(testOctokit(), 'octo-org', 'app', 'mona')).resolves.toBe(true);

    scope.done();
  });

  it('answers false for a bot login without asking GitHub', async () => {
    watch();
    const scope = nock('https://api.github.com');

    await expect(createPermissionChecker().canWrite(testOctokit(), 'octo-org', 'app', 'dependabot[bot]')).resolves.toBe(false);

    scope.done();
  });
});

describe('isBot', () => {
  it.each([
    [{ login: 'renovate', type: 'Bot' }, true],
    [{ login: 'aidp-app[bot]', type: 'User' }, true],
    [{ login: 'AIDP-APP[BOT]' }, true],
    [{ login: 'botanist', type: 'User' }, false],
    [{ login: 'mona', type: 'Organization' }, false],
  ])('tells %j is a bot: %s', (actor, expected) => {
    expect(isBot(actor)).toBe(expected);
  });
});
