import { ProbotOctokit } from 'probot';

/** Probot's Octokit as aidp's workers get it, with retries and throttling off: each request is made once, at once (nock answers). */
export function testOctokit(opts: { token?: string; baseUrl?: string } = {}): InstanceType<typeof ProbotOctokit> {
  return new ProbotOctokit({ auth: { token: opts.token ?? 'ghs_test' }, baseUrl: opts.baseUrl, retry: { enabled: false }, throttle: { enabled: false } });
}
