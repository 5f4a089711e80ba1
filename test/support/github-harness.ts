import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startHarness, type Harness } from './harness.js';
import { testOctokit } from './octokit.js';
import { SCRIPTED_AGENT } from './cli.js';
import { createTestRepo } from './repos.js';
import { APP_ID, fixture } from './webhooks.js';

/** Git config that makes `<cloneBase><name>` clone the test repo `<tmpdir>/<name>`: GitHub's git, served locally. */
export function localCloneEnv(cloneBase: string): Record<string, string> {
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `url.${tmpdir()}/.insteadOf`, GIT_CONFIG_VALUE_0: cloneBase };
}

/**
 * Real workers acting on GitHub as the app's installation (the API faked by nock), whose git
 * reaches repositories under `cloneBase` in the test's temp dir.
 */
export function startGitHubHarness(bundle: WorkflowBundleWithSourceMap, cloneBase: string): Promise<Harness> {
  return startHarness({
    bundle,
    octokitFor: async () => testOctokit({ token: 'ghs_worker' }),
    appId: APP_ID,
    gitEnv: localCloneEnv(cloneBase),
  });
}

/**
 * A test repo whose .github/aidp.yml runs the scripted agent with `agentFlags`: two at a time, one
 * iteration, the repo's own check (scripts/check-units.mjs); `extraYml` lines come first.
 */
export function repoWithScriptedAgent(agentFlags: string, extraYml: string[] = []): Promise<string> {
  return createTestRepo({
    aidpYml: [
      ...extraYml,
      'concurrency: 2',
      'max_iterations: 1',
      'agents:',
      '  providers:',
      '    - preset: command',
      `      command: node ${SCRIPTED_AGENT} ${agentFlags}`,
      'checks:',
      '  test:',
      '    command: node scripts/check-units.mjs',
      '',
    ].join('\n'),
  });
}

/**
 * The issues.labeled delivery of `aidp-build` by the writer `login` (a person) on issue `issue`
 * titled Widgets, whose body is `spec`, of the test repo `repo` as GitHub at `cloneBase` has it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function buildLabelled(opts: { repo: string; cloneBase: string; installation: number; issue: number; spec: string; login?: string }): any {
  const payload = fixture('issues.labeled');
  payload.issue.number = opts.issue;
  payload.label.name = 'aidp-build';
  payload.sender = { ...payload.sender, login: opts.login ?? 'alice', type: 'User' };
  payload.issue.title = 'Widgets';
  payload.issue.body = opts.spec;
  payload.repository.clone_url = `${opts.cloneBase}${basename(opts.repo)}`;
  payload.repository.default_branch = 'main';
  payload.installation = { id: opts.installation };
  return payload;
}
