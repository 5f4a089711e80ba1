import { lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '../../logging/logger.js';
import { AIDP_IDENTITY } from './config-check.js';
import type { WorkDirLayout } from './layout.js';
import { mirrorQueue } from './mirror.js';
import type { RepoTrust } from './repo-trust.js';
import type { GitRunner } from './run-git.js';
import { writeWorktreeConfig } from './worktree-config.js';
import { WORKTREE_CONFLICT } from '../../domain/failure-types.js';

/** What the worktree helpers work with: the guarded git of a git or merge activities factory. */
export interface WorktreeDeps {
  git: GitRunner;
  layout: WorkDirLayout;
  trust: RepoTrust;
  logger?: Logger;
}

interface WorktreeEntry {
  path: string;
  branch?: string;
}

/** `git worktree list --porcelain -z`: records of `key value` fields, split by an empty field. */
function parseWorktreeList(output: string): WorktreeEntry[] {
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
async function headBranchOf(gitDir: string): Promise<string | undefined> {
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

/**
 * Removes a worktree of this mirror and its directory. When git did not know it as one (a
 * directory left behind, or records whose directory is gone), it prunes stale worktree records.
 * Call inside the mirror's queue.
 */
async function removeFromMirror(git: GitRunner, mirrorPath: string, worktreePath: string, logger?: Logger): Promise<void> {
  const removed = await git(['worktree', 'remove', '--force', '--force', worktreePath], {
    cwd: mirrorPath,
    okExitCodes: [128],
  });
  if (removed.exitCode !== 0) logger?.debug({ worktreePath, stderr: removed.stderr }, 'not a worktree of this mirror');
  await rm(worktreePath, { recursive: true, force: true });
  // A removed worktree takes its records with it: only a failed removal can leave stale ones.
  if (removed.exitCode !== 0) await git(['worktree', 'prune'], { cwd: mirrorPath });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
}

/** The aidp branches this mirror's worktrees are on, read from their records (`worktrees/<name>/HEAD`). */
async function branchesInUse(mirrorPath: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(mirrorPath, 'worktrees'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  const branches = await Promise.all(names.map((name) => headBranchOf(join(mirrorPath, 'worktrees', name))));
  return branches.filter((b) => b !== undefined);
}

/**
 * Clears the way for a fresh worktree at `worktreePath` on `branch`: whatever an earlier,
 * interrupted attempt left there (the worktree, its directory, the branch), and any worktree
 * still on that branch, is removed. Only paths `assertPath` accepts (a unit's worktree, or a
 * feature's merge worktree) are ever removed. When the disk shows none of these (no record of
 * a worktree at that path in any mirror, no directory, no worktree of this mirror on the
 * branch), git is not asked: `worktree add -B` resets a branch left behind. Call inside the
 * mirror's queue.
 */
async function discardEarlierAttempt(
  deps: WorktreeDeps,
  req: { mirrorPath: string; worktreePath: string; branch: string; assertPath: (path: string) => string },
): Promise<void> {
  const { git, logger } = deps;
  const { mirrorPath, worktreePath, branch } = req;
  const owner = (await deps.trust.locate(worktreePath))?.mirrorPath;
  if (owner !== undefined && owner !== mirrorPath) {
    // Same feature and unit slugs on another repository: never destroy that one's live work.
    throw ApplicationFailure.nonRetryable(`${worktreePath} is a worktree of another repository`, WORKTREE_CONFLICT);
  }
  if (owner === undefined && !(await exists(worktreePath)) && !(await branchesInUse(mirrorPath)).includes(branch)) return;
  const listed = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: mirrorPath });
  const stale = parseWorktreeList(listed.stdout)
    .filter((e) => e.path === worktreePath || e.branch === `refs/heads/${branch}`)
    .map((e) => req.assertPath(e.path));
  for (const path of new Set([...stale, worktreePath])) {
    logger?.debug({ worktreePath: path }, 'removing an earlier worktree');
    await removeFromMirror(git, mirrorPath, path, logger);
  }
  await deleteBranch(git, mirrorPath, branch);
}

/**
 * A fresh worktree at `worktreePath` on `branch`, at the commit `start` picks (it runs first in
 * the mirror's queue and throws when there is none); an earlier attempt's leftovers are removed.
 * Only this bookkeeping holds the mirror's queue: the checkout runs alongside other work. The
 * worktree's config gets aidp's identity and `config(start)`.
 */
export async function addWorktree<S extends { sha: string }>(
  deps: WorktreeDeps,
  req: {
    mirrorPath: string;
    worktreePath: string;
    branch: string;
    assertPath: (path: string) => string;
    start: () => Promise<S>;
    config: (start: S) => Record<string, string>;
  },
): Promise<S> {
  const { git } = deps;
  const { mirrorPath, worktreePath, branch } = req;
  const start = await mirrorQueue.run(mirrorPath, async () => {
    const picked = await req.start();
    await discardEarlierAttempt(deps, req);
    await mkdir(dirname(worktreePath), { recursive: true });
    await git(['worktree', 'add', '--quiet', '--no-checkout', '--no-track', '-B', branch, worktreePath, picked.sha], { cwd: mirrorPath });
    return picked;
  });
  // The identity stays in the worktree's config for agents that commit on their own; aidp passes its own.
  await writeWorktreeConfig(deps.trust, worktreePath, {
    'user.name': AIDP_IDENTITY.name,
    'user.email': AIDP_IDENTITY.email,
    'commit.gpgsign': 'false',
    ...req.config(start),
  });
  // The checkout; RepoTrust checks the config just written before it runs.
  await git(['reset', '--quiet', '--hard'], { cwd: worktreePath });
  return start;
}

/**
 * Removes a worktree (its path already checked), its directory and its local aidp branch; a
 * missing worktree is fine.
 */
export async function removeWorktreeAt(deps: WorktreeDeps, worktreePath: string): Promise<void> {
  const { git, layout, logger } = deps;
  // Found from the mirror's side, so a worktree whose `.git` an agent replaced is removed all the same.
  const found = await deps.trust.locate(worktreePath);
  if (found) {
    const { mirrorPath } = found;
    const branch = await headBranchOf(found.gitDir);
    await mirrorQueue.run(mirrorPath, async () => {
      await removeFromMirror(git, mirrorPath, worktreePath, logger);
      if (branch?.startsWith('aidp/')) await deleteBranch(git, mirrorPath, branch);
    });
    return;
  }
  // Not (or no longer) a worktree: drop the directory, and let every mirror forget stale records.
  await rm(worktreePath, { recursive: true, force: true });
  for (const name of await readdir(layout.mirrorsDir)) {
    if (!/^[0-9a-f]{16}\.git$/.test(name)) continue;
    const mirror = join(layout.mirrorsDir, name);
    await mirrorQueue.run(mirror, () => git(['worktree', 'prune'], { cwd: mirror }));
  }
}

/**
 * Deletes a local branch of the mirror, when present (no worktree is on it any more). `update-ref`
 * rather than `branch -D`: the latter rewrites the mirror's config file (dropping the branch's
 * section) even when there is none, so RepoTrust would parse the config again before the next
 * git command in the mirror.
 */
async function deleteBranch(git: GitRunner, mirrorPath: string, branch: string): Promise<void> {
  // --no-deref: a branch that is a symbolic ref goes itself, never the ref it points at.
  await git(['update-ref', '--no-deref', '-d', `refs/heads/${branch}`], { cwd: mirrorPath });
}
