import { tmpdir } from 'node:os';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startHarness, type Harness } from './harness.js';
import { testOctokit } from './octokit.js';
import { APP_ID } from './webhooks.js';

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
