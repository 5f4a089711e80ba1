import { join } from 'node:path';
import type { ConfigEntries } from './config-check.js';
import type { RepoTrust } from './repo-trust.js';
import type { GitRunner } from './run-git.js';

/**
 * A worktree's own config file (`<mirror>/worktrees/<name>/config.worktree`), found from the
 * mirror's side. `git config --worktree` would find it too, but first reads every worktree's
 * records and fails (exit 128) while another unit's worktree is half added or removed; and
 * RepoTrust only lets the keys of config-check.ts's worktreeConfigRule stand in it.
 */
export async function setWorktreeConfig(
  git: GitRunner,
  trust: RepoTrust,
  worktreePath: string,
  entries: Record<string, string>,
): Promise<void> {
  const { gitDir } = await trust.worktree(worktreePath);
  const file = join(gitDir, 'config.worktree');
  for (const [key, value] of Object.entries(entries)) {
    await git(['config', '--file', file, key, value], { cwd: worktreePath });
  }
}

/** The value of a key (`section.name`, any case), or undefined when the checked file does not set it. */
export function configValue(entries: ConfigEntries, key: string): string | undefined {
  const wanted = key.toLowerCase();
  return entries.findLast(([k]) => k === wanted)?.[1];
}

/** The value of a key in the worktree's checked config.worktree. */
export async function getWorktreeConfig(trust: RepoTrust, worktreePath: string, key: string): Promise<string | undefined> {
  return configValue((await trust.worktree(worktreePath)).config, key);
}
