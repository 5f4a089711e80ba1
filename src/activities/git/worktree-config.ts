import type { GitRunner } from './run-git.js';

/**
 * The worktree's own config file. `git config --worktree` would find it too, but first reads
 * every worktree's records and fails (exit 128) while another unit's worktree is half added or
 * half removed; naming the file with `--file` touches this worktree alone.
 */
async function configFile(git: GitRunner, worktreePath: string): Promise<string> {
  const result = await git(['rev-parse', '--path-format=absolute', '--git-path', 'config.worktree'], { cwd: worktreePath });
  return result.stdout.trim();
}

export async function setWorktreeConfig(git: GitRunner, worktreePath: string, entries: Record<string, string>): Promise<void> {
  const file = await configFile(git, worktreePath);
  for (const [key, value] of Object.entries(entries)) {
    await git(['config', '--file', file, key, value], { cwd: worktreePath });
  }
}

/** The value, or undefined when the key is not set. */
export async function getWorktreeConfig(git: GitRunner, worktreePath: string, key: string): Promise<string | undefined> {
  const file = await configFile(git, worktreePath);
  const result = await git(['config', '--file', file, '--get', key], { cwd: worktreePath, okExitCodes: [1] });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}
