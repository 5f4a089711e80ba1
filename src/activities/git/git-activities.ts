import { ApplicationFailure } from '@temporalio/common';
import { AIDP_IDENTITY } from './config-check.js';
import { type ActivityGitDeps, openActivityGit } from './guarded-git.js';
import { assertMergeWorktreePath, MERGE_WORKTREE_NAME } from '../merge/merge-worktree-path.js';
import { assertAidpBranch, assertBranchName, assertRemoteUrl, assertSha } from './guards.js';
import { pushWithLease } from './push.js';
import { syncMirror } from './mirror.js';
import { changedFilesSince } from './changed-files.js';
import { commitOf, splitZ } from './queries.js';
import { stageAll } from './stage.js';
import { getWorktreeConfig } from './worktree-config.js';
import { addWorktree, removeWorktreeAt } from './worktrees.js';
import { BASE_BRANCH_MISSING } from '../../domain/failure-types.js';

/** `workDir` holds everything: `mirrors/`, `worktrees/` and git's HOME, `git-home/`. */
export type GitActivityDeps = ActivityGitDeps;

/** aidp's identity on the command line of every commit it makes: no config file decides it. */
export const COMMITTER_CONFIG = ['-c', `user.name=${AIDP_IDENTITY.name}`, '-c', `user.email=${AIDP_IDENTITY.email}`];

export function createGitActivities(deps: GitActivityDeps) {
  const { logger } = deps;
  const { git, layout, trust } = openActivityGit(deps);

  const out = async (args: string[], cwd: string): Promise<string> => (await git(args, { cwd })).stdout;

  async function ensureMirror(input: { remoteUrl: string }): Promise<{ mirrorPath: string }> {
    assertRemoteUrl(input.remoteUrl);
    const mirrorPath = (await layout()).mirrorPath(input.remoteUrl);
    await syncMirror({ git, mirrorPath, remoteUrl: input.remoteUrl, logger });
    return { mirrorPath };
  }

  /** A fresh worktree on `branch` from origin's `baseBranch`; an earlier attempt's leftovers are removed first. */
  async function prepareWorktree(input: {
    remoteUrl: string;
    baseBranch: string;
    featureSlug: string;
    unitSlug: string;
    branch: string;
  }): Promise<{ worktreePath: string; baseSha: string; branch: string }> {
    const { remoteUrl, baseBranch, branch } = input;
    assertRemoteUrl(remoteUrl);
    assertBranchName(baseBranch);
    assertAidpBranch(branch);
    const paths = await layout();
    const worktreePath = paths.worktreePath(input.featureSlug, input.unitSlug);
    const { mirrorPath } = await ensureMirror({ remoteUrl });
    const { sha: baseSha } = await addWorktree(
      { git, layout: paths, trust: await trust(), logger },
      {
        mirrorPath,
        worktreePath,
        branch,
        assertPath: (path) => paths.assertWorktreePath(path),
        start: async () => {
          const sha = await commitOf(git, mirrorPath, `refs/remotes/origin/${baseBranch}`);
          if (!sha) throw ApplicationFailure.nonRetryable(`base branch "${baseBranch}" does not exist in the remote repository`, BASE_BRANCH_MISSING);
          return { sha };
        },
        config: ({ sha }) => ({ 'aidp.baseSha': sha }),
      },
    );
    logger?.debug({ worktreePath, branch, baseSha }, 'worktree ready');
    return { worktreePath, baseSha, branch };
  }

  /** Files that differ from baseSha: committed, staged, unstaged, and untracked but not ignored. */
  async function changedFiles(input: { worktreePath: string; baseSha: string; keepOut?: string[] }): Promise<string[]> {
    const worktreePath = (await layout()).assertWorktreePath(input.worktreePath);
    assertSha(input.baseSha);
    return changedFilesSince(git, worktreePath, input.baseSha, input.keepOut);
  }

  /**
   * Untracked, not ignored paths (a directory as `dir/`, once), at most `limit`: right after
   * setup, what it produced, which aidp then never commits.
   */
  async function untrackedPaths(input: { worktreePath: string; limit?: number }): Promise<string[]> {
    const paths = await layout();
    // A unit's worktree, or a feature's merge worktree (setup runs in both).
    const worktreePath = input.worktreePath.endsWith(`/${MERGE_WORKTREE_NAME}`)
      ? assertMergeWorktreePath(paths, input.worktreePath)
      : paths.assertWorktreePath(input.worktreePath);
    const listed = await out(['ls-files', '--others', '--exclude-standard', '--directory', '-z'], worktreePath);
    return splitZ(listed)
      .map((p) => p.replace(/\/+$/, ''))
      .slice(0, input.limit ?? 100);
  }

  /**
   * Commits everything (new files included, ignored ones not). Returns HEAD and every file that
   * differs from the worktree's base, or null when nothing does (the base is the one
   * prepareWorktree recorded, unless given).
   */
  async function commitAll(input: {
    worktreePath: string;
    message: string;
    baseSha?: string;
    /** Never committed: the setup cache's paths. */
    keepOut?: string[];
  }): Promise<{ sha: string; filesChanged: string[] } | null> {
    const worktreePath = (await layout()).assertWorktreePath(input.worktreePath);
    const cwd = { cwd: worktreePath };
    await stageAll(git, worktreePath, input.keepOut);
    const staged = await git(['diff', '--cached', '--quiet'], { ...cwd, okExitCodes: [1] });
    if (staged.exitCode === 1) {
      const message = input.message.trim() === '' ? 'aidp changes' : input.message;
      await git([...COMMITTER_CONFIG, 'commit', '--quiet', '--no-verify', '-m', message], cwd);
    }
    const base = input.baseSha ?? ((await getWorktreeConfig(await trust(), worktreePath, 'aidp.baseSha')) || undefined);
    if (base) assertSha(base);
    const sha = (await out(['rev-parse', 'HEAD'], worktreePath)).trim();
    const diff = base
      ? await out(['diff', '--name-only', '-z', '--no-renames', base, sha, '--'], worktreePath)
      : staged.exitCode === 1
        ? await out(['diff-tree', '--no-commit-id', '--name-only', '-z', '--no-renames', '-r', '--root', sha], worktreePath)
        : '';
    const filesChanged = splitZ(diff);
    return filesChanged.length === 0 ? null : { sha, filesChanged };
  }

  /**
   * Pushes HEAD (or `sha`, HEAD as commitAll just reported it) to `refs/heads/<branch>`. Without
   * `expectedRemoteSha` it force-pushes: a unit's branch is aidp's own, and a restarted unit
   * overwrites it. With it (a pull request's branch, which people push to as well) the push only
   * lands while the remote branch still points there; otherwise it fails with `BranchMoved` and
   * overwrites nothing.
   */
  async function pushBranch(input: {
    worktreePath: string;
    branch: string;
    remoteUrl: string;
    expectedRemoteSha?: string;
    sha?: string;
  }): Promise<{ sha: string }> {
    const worktreePath = (await layout()).assertWorktreePath(input.worktreePath);
    assertAidpBranch(input.branch);
    assertRemoteUrl(input.remoteUrl);
    if (input.expectedRemoteSha) assertSha(input.expectedRemoteSha);
    if (input.sha) assertSha(input.sha);
    const sha = input.sha ?? (await out(['rev-parse', 'HEAD'], worktreePath)).trim();
    const lease = input.expectedRemoteSha ? { expected: input.expectedRemoteSha } : undefined;
    await pushWithLease(git, { cwd: worktreePath, remoteUrl: input.remoteUrl, branch: input.branch, sha, lease });
    return { sha };
  }

  /** Removes the worktree, its directory and its local branch; a missing worktree is fine. */
  async function removeWorktree(input: { worktreePath: string }): Promise<void> {
    const paths = await layout();
    const worktreePath = paths.assertWorktreePath(input.worktreePath);
    await removeWorktreeAt({ git, layout: paths, trust: await trust(), logger }, worktreePath);
  }

  /** Back to baseSha for a restart in the same worktree: hard reset, and every untracked or ignored file gone. */
  async function resetWorktree(input: { worktreePath: string; baseSha: string }): Promise<void> {
    const worktreePath = (await layout()).assertWorktreePath(input.worktreePath);
    assertSha(input.baseSha);
    await git(['reset', '--quiet', '--hard', input.baseSha], { cwd: worktreePath });
    await git(['clean', '-ffdxq'], { cwd: worktreePath });
  }

  return { ensureMirror, prepareWorktree, changedFiles, untrackedPaths, commitAll, pushBranch, removeWorktree, resetWorktree };
}
