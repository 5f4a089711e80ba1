import { ConfigError } from '../../config/config-error.js';
import { parseRepoConfig, REPO_CONFIG_PATH } from '../../config/load-repo-config.js';
import type { RepoConfig } from '../../config/repo-config.js';
import { createGitRunner, type GitRunner } from './run-git.js';

/**
 * Reads `.github/aidp.yml` as committed at `ref` (never the working tree, whose edits are
 * not what the feature will be built on). No such file at that ref means defaults; a ref
 * that does not exist is an error. Git runs through aidp's runner (a worker passes its guarded
 * one, for a mirror): no hooks, drivers or secrets.
 */
export async function loadRepoConfigFromGit(repoDir: string, ref: string, git: GitRunner = createGitRunner()): Promise<RepoConfig> {
  if (ref.startsWith('-')) throw new ConfigError(`git ref ${JSON.stringify(ref)}`, ['a ref cannot start with "-"']);
  const cwd = { cwd: repoDir };
  const found = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { ...cwd, okExitCodes: [1] });
  const commit = found.exitCode === 0 ? found.stdout.trim() : '';
  if (!commit) throw new ConfigError(`git ref ${JSON.stringify(ref)}`, [`no such commit in ${repoDir}`]);
  const entry = (await git(['ls-tree', commit, '--', REPO_CONFIG_PATH], cwd)).stdout;
  if (!/^\d+ blob /.test(entry)) return parseRepoConfig('');
  const text = (await git(['cat-file', 'blob', `${commit}:${REPO_CONFIG_PATH}`], cwd)).stdout;
  return parseRepoConfig(text, `${REPO_CONFIG_PATH} at ${ref}`);
}
