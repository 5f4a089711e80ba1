import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { createMetrics } from '../src/metrics/metrics.js';
import { blockNetwork, fixture, githubWithToken, sign, startTestApp, watchUnmatched, type TestApp } from './support/webhooks.js';

const REPO = '/repos/Codertocat/Hello-World';

function buildLabel() {
  const payload = fixture('issues.labeled');
  payload.label.name = 'aidp-build';
  return payload;
}

/** A good delivery after a bad one: the server still answers, and starts the build. */
async function expectStillServing(app: TestApp): Promise<void> {
  const payload = buildLabel();
  const scope = githubWithToken(payload.installation.id)
    .get(`${REPO}/collaborators/Codertocat/permission`)
    .reply(200, { permission: 'write' });
  expect((await app.deliver('issues', payload)).status).toBe(200);
  scope.done();
  expect(app.processors.calls.map((call) => call.method)).toEqual(['startBuild']);
}

describe('the webhook endpoint', () => {
  let app: TestApp;
  let unmatched: ReturnType<typeof watchUnmatched>;

  beforeAll(blockNetwork);
  beforeEach(async () => {
    app = await startTestApp();
    unmatched = watchUnmatched();
  });
  afterEach(async () => {
    expect(unmatched.requests).toEqual([]);
    unmatched.stop();
    nock.cleanAll();
    await app.stop();
  });

  it('refuses a delivery with a bad signature with a 4xx, starts nothing, and keeps serving', async () => {
    const body = JSON.stringify(buildLabel());
    const scope = nock('https://api.github.com');

    const response = await app.deliver('issues', body, { signature: sign(body, 'not-the-secret') });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    scope.done();
    expect(app.processors.calls).toEqual([]);
    await expectStillServing(app);
  });

  it('refuses a correctly signed but truncated body with a 4xx, starts nothing, and keeps serving', async () => {
    const body = JSON.stringify(buildLabel());
    const truncated = body.slice(0, Math.floor(body.length / 2));
    const scope = nock('https://api.github.com');

    const response = await app.deliver('issues', truncated, { signature: sign(truncated) });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    scope.done();
    expect(app.processors.calls).toEqual([]);
    await expectStillServing(app);
  });

  it('logs and ignores a signed payload whose owner is not a GitHub name, without any GitHub request', async () => {
    const payload = buildLabel();
    payload.repository.owner.login = '../../etc';
    const scope = nock('https://api.github.com');

    expect((await app.deliver('issues', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([]);
    expect(app.logs).toContainEqual(
      expect.objectContaining({ msg: 'malformed webhook payload ignored', problems: [expect.objectContaining({ path: 'repository.owner.login' })] }),
    );
    await expectStillServing(app);
  });

  it('logs and ignores a signed payload without an installation', async () => {
    const payload = buildLabel();
    delete payload.installation;
    const scope = nock('https://api.github.com');

    expect((await app.deliver('issues', payload)).status).toBe(200);

    scope.done();
    expect(app.processors.calls).toEqual([]);
    expect(app.logs).toContainEqual(expect.objectContaining({ msg: 'malformed webhook payload ignored', problems: [expect.objectContaining({ path: 'installation' })] }));
  });

  it('answers 500 when the processors fail, so GitHub shows the delivery as failed, and keeps serving', async () => {
    app.processors.answers.fail = new Error('Temporal is unavailable');
    const payload = buildLabel();
    const scope = githubWithToken(payload.installation.id)
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, { permission: 'write' });

    expect((await app.deliver('issues', payload)).status).toBe(500);

    scope.done();
    expect(app.logs).toContainEqual(expect.objectContaining({ msg: 'delivery failed', event: 'issues' }));
    app.processors.answers.fail = undefined;
    app.processors.calls.length = 0;
    // The permission answer is cached: the retried delivery needs no GitHub request.
    expect((await app.deliver('issues', payload)).status).toBe(200);
    expect(app.processors.calls.map((call) => call.method)).toEqual(['startBuild']);
  });

  it('counts each handled delivery by event and outcome', async () => {
    await app.stop();
    const metrics = createMetrics();
    app = await startTestApp({ deps: { metrics } });
    const reader = buildLabel();
    reader.sender.login = 'reader';
    const scope = githubWithToken(reader.installation.id)
      .get(`${REPO}/collaborators/reader/permission`)
      .reply(200, { permission: 'read' })
      .post(`${REPO}/issues/1/comments`)
      .reply(201, {})
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, { permission: 'write' });
    const bug = fixture('issues.labeled');

    for (const payload of [reader, buildLabel(), bug]) expect((await app.deliver('issues', payload)).status).toBe(200);

    scope.done();
    const counted = (await metrics.registry.getSingleMetric('aidp_deliveries_total')?.get())?.values.map((v) => [v.labels.outcome, v.value]);
    expect(counted).toEqual(expect.arrayContaining([['refused', 1], ['started', 1], ['ignored', 1]]));
    expect(counted).toHaveLength(3);
  });
});
