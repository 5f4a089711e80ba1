import { ApplicationFailure } from '@temporalio/common';
import { ConfigError } from '../config/config-error.js';
import { loadRepoConfigFromGit } from './git/repo-config-at-ref.js';
import type { RepoConfig } from '../config/repo-config.js';
import type { GitRunner } from './git/run-git.js';
import { CONFIG_INVALID } from '../domain/failure-types.js';

/**
 * `.github/aidp.yml` as committed on a branch of the remote (the default branch for GitHub
 * runs), read from the host's mirror: never from a working tree or a pull request.
 */
export function createRepoConfigActivities(deps: {
  ensureMirror: (input: { remoteUrl: string }) => Promise<{ mirrorPath: string }>;
  /** The worker's guarded git (checks the mirror first); aidp's plain runner when absent. */
  git?: GitRunner;
}) {
  return {
    async loadRepoConfigAt(input: { remoteUrl: string; branch: string }): Promise<RepoConfig> {
      const { mirrorPath } = await deps.ensureMirror({ remoteUrl: input.remoteUrl });
      try {
        return await loadRepoConfigFromGit(mirrorPath, `refs/remotes/origin/${input.branch}`, deps.git);
      } catch (err) {
        if (err instanceof ConfigError) throw ApplicationFailure.nonRetryable(err.message, CONFIG_INVALID);
        throw err;
      }
    },
  };
}
