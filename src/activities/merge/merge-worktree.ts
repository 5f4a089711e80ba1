import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '../../logging/logger.js';
import type { WorkDirLayout } from '../git/layout.js';
import type { GitRunner } from '../git/run-git.js';
import type { SerialQueue } from '../git/serial-queue.js';
import type { RepoTrust } from '../git/repo-trust.js';
import { deleteBranchIfPresent, headBranchOf, parseWorktreeList, removeFromMirror } from '../git/worktrees.js';
import { assertMergeWorktreePath } from './merge-worktree-path.js';
import { WORKTREE_CONFLICT } from '../../domain/failure-types.js';

interface MergeWorktreeDeps {
  git: GitRunner;
  layout: WorkDirLayout;
  trust: RepoTrust;
  queue: SerialQueue;
  logger?: Logger;
}

/**
 * Clears the way for a fresh merge worktree: an earlier one at this path, or any merge worktree
 * still on the feature branch, and the mirror's local feature branch. Call inside the mirror's queue.
 */
export async function discardMergeWorktree(
  deps: Omit<MergeWorktreeDeps, 'queue'> & { mirrorPath: string; worktreePath: string; branch: string },
): Promise<void> {
  const { git, layout, mirrorPath, worktreePath, branch, logger } = deps;
  const owner = (await deps.trust.locate(worktreePath))?.mirrorPath;
  if (owner !== undefined && owner !== mirrorPath) {
    throw ApplicationFailure.nonRetryable(`${worktreePath} is a worktree of another repository`, WORKTREE_CONFLICT);
  }
  const listed = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: mirrorPath });
  const stale = parseWorktreeList(listed.stdout)
    .filter((e) => e.path === worktreePath || e.branch === `refs/heads/${branch}`)
    .map((e) => assertMergeWorktreePath(layout, e.path));
  for (const path of new Set([...stale, worktreePath])) {
    logger?.debug({ worktreePath: path }, 'removing an earlier merge worktree');
    await removeFromMirror(git, mirrorPath, path, logger);
  }
  await deleteBranchIfPresent(git, mirrorPath, branch);
}

/** Removes the merge worktree, its directory and its local branch; a missing one is fine. */
export async function removeMergeWorktreeAt(deps: MergeWorktreeDeps & { worktreePath: string }): Promise<void> {
  const { git, layout, queue, logger } = deps;
  const worktreePath = assertMergeWorktreePath(layout, deps.worktreePath);
  // Found from the mirror's side, so a merge worktree whose `.git` was replaced is removed all the same.
  const found = await deps.trust.locate(worktreePath);
  if (found) {
    const { mirrorPath } = found;
    const branch = await headBranchOf(found.gitDir);
    await queue.run(mirrorPath, async () => {
      await removeFromMirror(git, mirrorPath, worktreePath, logger);
      if (branch?.startsWith('aidp/')) await deleteBranchIfPresent(git, mirrorPath, branch);
    });
    return;
  }
  await rm(worktreePath, { recursive: true, force: true });
  for (const name of await readdir(layout.mirrorsDir)) {
    if (!/^[0-9a-f]{16}\.git$/.test(name)) continue;
    const mirror = join(layout.mirrorsDir, name);
    await queue.run(mirror, () => git(['worktree', 'prune'], { cwd: mirror }));
  }
}
