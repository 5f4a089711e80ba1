import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '../../logging/logger.js';
import type { WorkDirLayout } from './layout.js';
import type { RepoTrust } from './repo-trust.js';
import type { GitRunner } from './run-git.js';
import { WORKTREE_CONFLICT } from '../../domain/failure-types.js';

interface WorktreeEntry {
  path: string;
  branch?: string;
}

/** `git worktree list --porcelain -z`: records of `key value` fields, split by an empty field. */
export function parseWorktreeList(output: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const field of output.split('\0')) {
    if (field.startsWith('worktree ')) {
      current = { path: field.slice('worktree '.length) };
      entries.push(current);
    } else if (field.startsWith('branch ') && current) {
      current.branch = field.slice('branch '.length);
    }
  }
  return entries;
}

/**
 * The branch a worktree's HEAD names, read from its directory in the mirror (`HEAD` holds
 * `ref: refs/heads/<branch>`), when that is one of aidp's branches.
 */
export async function headBranchOf(gitDir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(gitDir, 'HEAD'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  }
  const branch = /^ref: refs\/heads\/(aidp\/[A-Za-z0-9._/-]+)\n?$/.exec(text)?.[1];
  return branch && !branch.split('/').some((p) => p === '' || p.startsWith('.')) ? branch : undefined;
}

async function branchExists(git: GitRunner, mirrorPath: string, branch: string): Promise<boolean> {
  const shown = await git(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: mirrorPath, okExitCodes: [1] });
  return shown.exitCode === 0;
}

/**
 * Removes a worktree of this mirror and its directory, then prunes stale worktree records.
 * Call inside the mirror's queue.
 */
export async function removeFromMirror(git: GitRunner, mirrorPath: string, worktreePath: string, logger?: Logger): Promise<void> {
  const removed = await git(['worktree', 'remove', '--force', '--force', worktreePath], {
    cwd: mirrorPath,
    okExitCodes: [128],
  });
  if (removed.exitCode !== 0) logger?.debug({ worktreePath, stderr: removed.stderr }, 'not a worktree of this mirror');
  await rm(worktreePath, { recursive: true, force: true });
  await git(['worktree', 'prune'], { cwd: mirrorPath });
}

/**
 * Clears the way for a fresh worktree at `worktreePath` on `branch`: whatever an earlier,
 * interrupted attempt left there (the worktree, its directory, the branch) is removed.
 * Worktrees are only ever removed from inside the layout's worktrees directory.
 */
export async function discardEarlierAttempt(deps: {
  git: GitRunner;
  layout: WorkDirLayout;
  trust: RepoTrust;
  mirrorPath: string;
  worktreePath: string;
  branch: string;
  logger?: Logger;
}): Promise<void> {
  const { git, layout, mirrorPath, worktreePath, branch, logger } = deps;
  const owner = (await deps.trust.locate(worktreePath))?.mirrorPath;
  if (owner !== undefined && owner !== mirrorPath) {
    // Same feature and unit slugs on another repository: never destroy that one's live work.
    throw ApplicationFailure.nonRetryable(`${worktreePath} is a worktree of another repository`, WORKTREE_CONFLICT);
  }
  const listed = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: mirrorPath });
  const stale = parseWorktreeList(listed.stdout)
    .filter((e) => e.path === worktreePath || e.branch === `refs/heads/${branch}`)
    .map((e) => layout.assertWorktreePath(e.path));
  for (const path of new Set([...stale, worktreePath])) {
    logger?.debug({ worktreePath: path }, 'removing an earlier worktree');
    await removeFromMirror(git, mirrorPath, path, logger);
  }
  await deleteBranchIfPresent(git, mirrorPath, branch);
}

export async function deleteBranchIfPresent(git: GitRunner, mirrorPath: string, branch: string): Promise<void> {
  if (await branchExists(git, mirrorPath, branch)) {
    await git(['branch', '--quiet', '-D', branch], { cwd: mirrorPath });
  }
}
