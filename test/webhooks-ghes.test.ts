import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { apiBaseUrlOf, GITHUB_COM, offGitHubReason, parseGheHost, type GitHubHost } from '../src/github/github-host.js';
import { blockNetwork, fixture, startTestApp, watchUnmatched, type TestApp } from './support/webhooks.js';

const REPO = 'Codertocat/Hello-World';

/** A writer's `aidp-build` label on a repository served at `origin`. */
function labeledOn(origin: string) {
  const payload = fixture('issues.labeled');
  payload.label.name = 'aidp-build';
  payload.repository.clone_url = `${origin}/${REPO}.git`;
  payload.repository.html_url = `${origin}/${REPO}`;
  return payload;
}

/** The GitHub Enterprise API at `github` answering the token request and the writer's permission. */
function enterpriseApi(github: GitHubHost, installationId: number): nock.Scope {
  return nock(apiBaseUrlOf(github)!)
    .post(`/app/installations/${installationId}/access_tokens`)
    .reply(201, { token: 'ghs_ghestoken00000000000000000000000000', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
    .get(`/repos/${REPO}/collaborators/Codertocat/permission`)
    .reply(200, { permission: 'write', role_name: 'write' });
}

describe('a GitHub Enterprise Server', () => {
  let app: TestApp | undefined;
  beforeAll(blockNetwork);
  afterEach(async () => {
    nock.cleanAll();
    await app?.stop();
  });

  async function appFor(github: GitHubHost): Promise<TestApp> {
    app = await startTestApp({ baseUrl: apiBaseUrlOf(github), deps: { github } });
    return app;
  }

  it.each([
    ['an IP address and port, over http', '127.0.0.1:8080', 'http' as const],
    ['a one-label host name', 'ghe', 'https' as const],
  ])('on %s starts the build its clone_url names', async (_what, gheHost, gheProtocol) => {
    const github = parseGheHost(gheHost, gheProtocol)!;
    const origin = `${gheProtocol}://${gheHost}`;
    const started = await appFor(github);
    const payload = labeledOn(origin);
    const api = enterpriseApi(github, payload.installation.id);
    const unmatched = watchUnmatched();

    const response = await started.deliver('issues', payload);
    unmatched.stop();

    expect(response.status).toBe(200);
    api.done();
    expect(unmatched.requests).toEqual([]);
    expect(started.processors.calls).toEqual([
      { method: 'startBuild', request: expect.objectContaining({ owner: 'Codertocat', repo: 'Hello-World', cloneUrl: `${origin}/${REPO}.git` }) },
    ]);
  });

  it.each([
    ['another host', 'http://127.0.0.2:8080', /repository\.clone_url is on 127\.0\.0\.2:8080 but aidp's GitHub is http:\/\/127\.0\.0\.1:8080/],
    ['another port', 'http://127.0.0.1:9090', /repository\.clone_url is on 127\.0\.0\.1:9090/],
    ['another scheme', 'https://127.0.0.1:8080', /repository\.clone_url uses https: but aidp's GitHub is http:\/\/127\.0\.0\.1:8080/],
    ['credentials in the URL', 'http://x:y@127.0.0.1:8080', /repository\.clone_url carries credentials/],
  ])('refuses a delivery whose clone_url is on %s, logs why, and calls neither GitHub nor a processor', async (_what, origin, why) => {
    const github = parseGheHost('127.0.0.1:8080', 'http')!;
    const started = await appFor(github);
    const payload = labeledOn('http://127.0.0.1:8080');
    payload.repository.clone_url = `${origin}/${REPO}.git`;
    const unmatched = watchUnmatched();

    const response = await started.deliver('issues', payload);
    unmatched.stop();

    expect(response.status).toBe(200);
    expect(started.processors.calls).toEqual([]);
    expect(unmatched.requests).toEqual([]);
    const refusals = started.logs.filter((line) => line.msg === 'webhook refused: repository not on the configured GitHub');
    expect(refusals).toEqual([expect.objectContaining({ event: 'issues', reason: expect.stringMatching(why) })]);
    expect(JSON.stringify(started.logs)).not.toContain('x:y@');
  });

  it('refuses an html_url on another host even when clone_url is on the right one', async () => {
    const started = await appFor(GITHUB_COM);
    const payload = labeledOn('https://github.com');
    payload.repository.html_url = `https://github.evil.example/${REPO}`;

    expect((await started.deliver('issues', payload)).status).toBe(200);

    expect(started.processors.calls).toEqual([]);
    expect(started.logs.map((line) => line.reason).filter(Boolean)).toEqual([expect.stringMatching(/^repository\.html_url is on github\.evil\.example/)]);
  });
});

describe('the GitHub host rule', () => {
  it('reads GHE_HOST as a host with an optional port: names, one-label names and addresses', () => {
    expect(['github.example.com', 'ghe', '10.0.0.5:8080', '[::1]:8443', 'GHE.Example.com:443'].map((host) => parseGheHost(host)?.host)).toEqual([
      'github.example.com',
      'ghe',
      '10.0.0.5:8080',
      '[::1]:8443',
      'ghe.example.com',
    ]);
  });

  it('rejects a GHE_HOST with a scheme, path, credentials or a bad port', () => {
    expect(['https://ghe', 'ghe/api', 'me@ghe', 'ghe:99999', 'ghe?x', ''].map((host) => parseGheHost(host))).toEqual(Array(6).fill(undefined));
  });

  it('accepts a URL on the host whatever its case or the default port', () => {
    const github = parseGheHost('ghe.example.com')!;
    expect([offGitHubReason('u', 'https://GHE.example.com/a/b.git', github), offGitHubReason('u', 'https://ghe.example.com:443/a/b', github)]).toEqual([undefined, undefined]);
  });

  it('refuses file, ssh and git URLs on github.com', () => {
    expect(['file:///etc/passwd', 'ssh://github.com/a/b.git', 'git://github.com/a/b.git', 'not a url'].map((url) => offGitHubReason('u', url, GITHUB_COM))).toEqual([
      expect.stringMatching(/uses file:/),
      expect.stringMatching(/uses ssh:/),
      expect.stringMatching(/uses git:/),
      'u is not a URL',
    ]);
  });
});
