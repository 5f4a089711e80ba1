import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../logging/logger.js';
import { activityCancellation, type GitRunner, isCancellation } from './run-git.js';
import { SerialQueue } from './serial-queue.js';

/**
 * One process, one queue per mirror path: the bookkeeping of units, merges and cleanups on a
 * mirror (fetch, worktree add, remove, prune) runs one job at a time, whichever activity asks.
 */
export const mirrorQueue = new SerialQueue();

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * A bare repository whose remote-tracking refs follow origin (`+refs/heads/*:refs/remotes/origin/*`,
 * not --mirror: a push sends only what we name). Worktree config is on, with `core.bare` moved
 * to the mirror's own config.worktree so linked worktrees are not taken for bare ones.
 */
async function createMirror(git: GitRunner, mirrorPath: string, remoteUrl: string): Promise<void> {
  const building = `${mirrorPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const inBuilding = { cwd: building };
  try {
    await git(['init', '--quiet', '--bare', building], { cwd: dirname(mirrorPath) });
    await git(['remote', 'add', 'origin', '--', remoteUrl], inBuilding);
    await git(['config', 'remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*'], inBuilding);
    await git(['config', 'core.repositoryformatversion', '1'], inBuilding);
    await git(['config', 'extensions.worktreeConfig', 'true'], inBuilding);
    await git(['config', '--unset', 'core.bare'], inBuilding);
    await git(['config', '--worktree', 'core.bare', 'true'], inBuilding);
    await git(['fetch', '--quiet', '--prune', 'origin'], inBuilding);
    // Only a complete mirror gets the real name: a crash mid-clone leaves no half mirror behind.
    await rename(building, mirrorPath);
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

/**
 * `job` run in the mirror's queue, joined by callers that arrive while it waits. It runs in the
 * first caller's activity, so that activity's cancellation ends it: a caller that was not
 * cancelled itself then queues a run of its own.
 */
async function sharedSync(mirrorPath: string, job: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await mirrorQueue.coalesce(mirrorPath, 'sync', job);
    } catch (err) {
      if (!isCancellation(err) || activityCancellation()?.aborted) throw err;
    }
  }
}

const fetchOrigin = async (git: GitRunner, mirrorPath: string): Promise<void> => {
  await git(['fetch', '--quiet', '--prune', 'origin'], { cwd: mirrorPath });
};

/** Clone the first time, `fetch --prune origin` after; callers that arrive together share one run. */
export function syncMirror(deps: { git: GitRunner; mirrorPath: string; remoteUrl: string; logger?: Logger }): Promise<void> {
  const { git, mirrorPath, remoteUrl, logger } = deps;
  return sharedSync(mirrorPath, async () => {
    if (await isDirectory(mirrorPath)) {
      logger?.debug({ mirrorPath }, 'fetching mirror');
      await fetchOrigin(git, mirrorPath);
    } else {
      logger?.info({ mirrorPath }, 'cloning mirror');
      await createMirror(git, mirrorPath, remoteUrl);
    }
  });
}

/** `fetch --prune origin` in a mirror that exists (found from one of its worktrees); shared like syncMirror. */
export function fetchMirror(deps: { git: GitRunner; mirrorPath: string }): Promise<void> {
  return sharedSync(deps.mirrorPath, () => fetchOrigin(deps.git, deps.mirrorPath));
}
