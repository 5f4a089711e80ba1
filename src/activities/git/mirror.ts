import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../logging/logger.js';
import type { GitRunner } from './run-git.js';
import type { SerialQueue } from './serial-queue.js';

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

/** Clone the first time, `fetch --prune origin` after; callers that arrive together share one run. */
export function syncMirror(deps: {
  git: GitRunner;
  queue: SerialQueue;
  mirrorPath: string;
  remoteUrl: string;
  logger?: Logger;
}): Promise<void> {
  const { git, queue, mirrorPath, remoteUrl, logger } = deps;
  return queue.coalesce(mirrorPath, 'sync', async () => {
    if (await isDirectory(mirrorPath)) {
      logger?.debug({ mirrorPath }, 'fetching mirror');
      await git(['fetch', '--quiet', '--prune', 'origin'], { cwd: mirrorPath });
    } else {
      logger?.info({ mirrorPath }, 'cloning mirror');
      await createMirror(git, mirrorPath, remoteUrl);
    }
  });
}
