import { ApplicationFailure } from '@temporalio/common';
import { COMMITTER_CONFIG } from '../git/git-activities.js';
import { type ActivityGitDeps, openActivityGit } from '../git/guarded-git.js';
import { assertAidpBranch, assertBranchName, assertRemoteUrl, assertSha } from '../git/guards.js';
import { fetchMirror, syncMirror } from '../git/mirror.js';
import { pushWithLease } from '../git/push.js';
import { commitOf as commitIn, splitZ } from '../git/queries.js';
import { GitCommandError } from '../git/run-git.js';
import { stageAll } from '../git/stage.js';
import { getWorktreeConfig } from '../git/worktree-config.js';
import { addWorktree, removeWorktreeAt } from '../git/worktrees.js';
import { renderConflictHunks } from './conflict-text.js';
import { assertMergeWorktreePath, mergeWorktreePath } from './merge-worktree-path.js';
import { parseNumstat } from './numstat.js';
import { filesWithMarkers, readConflictFile } from './worktree-files.js';
import { BASE_BRANCH_MISSING, BRANCH_MISSING } from '../../domain/failure-types.js';

/** The same work dir as the git activities: mirrors are shared, the merge worktree is `worktrees/<feature>/_merge`. */
export type MergeActivityDeps = ActivityGitDeps;

export type MergeResult = { status: 'merged'; sha: string } | { status: 'conflict'; files: string[]; hunks: string };

/** Conflicting hunks are cut to this many characters: they land in workflow history. */
export const MAX_HUNK_CHARS = 6000;

function missing(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}

/** Merging units into the feature branch, in one worktree on the host that holds it; real git, argv only. */
export function createMergeActivities(deps: MergeActivityDeps) {
  const { logger } = deps;
  const { git, layout, trust } = openActivityGit(deps);
  const worktree = async (path: string): Promise<string> => assertMergeWorktreePath(await layout(), path);
  const out = async (args: string[], cwd: string): Promise<string> => (await git(args, { cwd })).stdout;
  const head = async (cwd: string): Promise<string> => (await out(['rev-parse', 'HEAD'], cwd)).trim();

  const commitOf = (cwd: string, ref: string): Promise<string | undefined> => commitIn(git, cwd, ref);

  const mergeInProgress = async (cwd: string): Promise<boolean> => (await commitOf(cwd, 'MERGE_HEAD')) !== undefined;
  const unmergedFiles = async (cwd: string): Promise<string[]> =>
    [...new Set(splitZ(await out(['diff', '--name-only', '-z', '--diff-filter=U'], cwd)))].sort();

  async function fetchInto(worktreePath: string): Promise<void> {
    const { mirrorPath } = await (await trust()).worktree(worktreePath);
    await fetchMirror({ git, mirrorPath });
  }

  /**
   * A fresh worktree on the feature branch: origin's feature branch when there is one (a retry
   * merges into what is already there), else a new branch from origin's base branch.
   */
  async function prepareMergeWorktree(input: {
    remoteUrl: string;
    baseBranch: string;
    featureSlug: string;
    featureBranch: string;
  }): Promise<{ worktreePath: string; headSha: string; baseSha: string; existed: boolean }> {
    const { remoteUrl, baseBranch, featureBranch } = input;
    assertRemoteUrl(remoteUrl);
    assertBranchName(baseBranch);
    assertAidpBranch(featureBranch);
    const paths = await layout();
    const worktreePath = mergeWorktreePath(paths, input.featureSlug);
    const mirrorPath = paths.mirrorPath(remoteUrl);
    await syncMirror({ git, mirrorPath, remoteUrl, logger });
    const featureRef = `refs/remotes/origin/${featureBranch}`;

    const { sha: headSha, baseSha, featureSha } = await addWorktree(
      { git, layout: paths, trust: await trust(), logger },
      {
        mirrorPath,
        worktreePath,
        branch: featureBranch,
        assertPath: (path) => assertMergeWorktreePath(paths, path),
        // Origin's feature branch when there is one, else its base branch.
        start: async () => {
          const base = await commitOf(mirrorPath, `refs/remotes/origin/${baseBranch}`);
          if (!base) throw missing(BASE_BRANCH_MISSING, `base branch "${baseBranch}" does not exist in the remote repository`);
          const feature = await commitOf(mirrorPath, featureRef);
          return { sha: feature ?? base, baseSha: base, featureSha: feature };
        },
        // The lease of pushFeatureBranch: origin's feature branch as this merge found it ('none': absent).
        config: ({ featureSha }) => ({ 'aidp.leaseSha': featureSha ?? 'none' }),
      },
    );
    const existed = featureSha !== undefined;
    logger?.debug({ worktreePath, featureBranch, headSha, existed }, 'merge worktree ready');
    return { worktreePath, headSha, baseSha, existed };
  }

  /**
   * Files and lines (added + removed) each branch changes since it left baseSha, from origin after
   * a fetch. A branch missing on origin is left out of the result.
   */
  async function diffStats(input: {
    worktreePath: string;
    baseSha: string;
    branches: string[];
  }): Promise<Record<string, { files: number; lines: number }>> {
    const worktreePath = await worktree(input.worktreePath);
    assertSha(input.baseSha);
    for (const branch of input.branches) assertBranchName(branch);
    await fetchInto(worktreePath);
    const stats: Record<string, { files: number; lines: number }> = {};
    for (const branch of new Set(input.branches)) {
      const ref = `refs/remotes/origin/${branch}`;
      if (!(await commitOf(worktreePath, ref))) continue;
      const numstat = await out(['diff', '--numstat', '-z', '--no-renames', `${input.baseSha}...${ref}`, '--'], worktreePath);
      stats[branch] = parseNumstat(numstat);
    }
    return stats;
  }

  /**
   * Merges origin's `branch` with a merge commit. On a conflict the merge stays in progress (for
   * a resolver, then concludeMerge, or abortMerge) and the conflicting files and hunks come back.
   */
  async function mergeBranch(input: { worktreePath: string; branch: string; message: string }): Promise<MergeResult> {
    const worktreePath = await worktree(input.worktreePath);
    assertBranchName(input.branch);
    const cwd = { cwd: worktreePath };
    // An earlier attempt of this activity may have stopped mid-merge: start that merge again.
    if (await mergeInProgress(worktreePath)) await git(['merge', '--abort'], cwd);
    const ref = `refs/remotes/origin/${input.branch}`;
    if (!(await commitOf(worktreePath, ref))) {
      throw missing(BRANCH_MISSING, `branch "${input.branch}" is not in the remote repository`);
    }
    const message = input.message.trim() === '' ? `Merge ${input.branch}` : input.message;
    const args = [...COMMITTER_CONFIG, '-c', 'merge.conflictStyle=diff3', 'merge', '--no-ff', '--no-stat', '--no-edit', '--no-verify', '-m', message, ref];
    const merged = await git(args, { ...cwd, okExitCodes: [1] });
    if (merged.exitCode === 0) return { status: 'merged', sha: await head(worktreePath) };

    const files = await unmergedFiles(worktreePath);
    if (files.length === 0) {
      if (await mergeInProgress(worktreePath)) await git(['merge', '--abort'], cwd);
      throw new GitCommandError(args, merged.exitCode, merged.stderr);
    }
    const contents = [];
    for (const file of files) contents.push(await readConflictFile(worktreePath, file));
    logger?.info({ worktreePath, branch: input.branch, files: files.length }, 'merge conflict');
    return { status: 'conflict', files, hunks: renderConflictHunks(contents, MAX_HUNK_CHARS) };
  }

  /** Of `files`, those still holding conflict markers (more marker lines than either side had). */
  async function conflictMarkersLeft(input: { worktreePath: string; files: string[] }): Promise<string[]> {
    const worktreePath = await worktree(input.worktreePath);
    const sides = (await mergeInProgress(worktreePath)) ? ['HEAD', 'MERGE_HEAD'] : ['HEAD'];
    return filesWithMarkers(git, worktreePath, input.files, sides);
  }

  /** Commits the merge in progress after a resolver edited the files; refuses while markers are left. */
  async function concludeMerge(input: { worktreePath: string; message: string; keepOut?: string[] }): Promise<{ sha: string }> {
    const worktreePath = await worktree(input.worktreePath);
    const cwd = { cwd: worktreePath };
    if (!(await mergeInProgress(worktreePath))) {
      // Already concluded by an earlier attempt, when nothing is left to commit.
      if ((await out(['status', '--porcelain', '-z'], worktreePath)) === '') return { sha: await head(worktreePath) };
      throw missing('NoMergeInProgress', 'there is no merge in progress to conclude, and the worktree has changes');
    }
    const touched = splitZ(await out(['diff', '--name-only', '-z', 'HEAD', '--'], worktreePath));
    const candidates = [...new Set([...(await unmergedFiles(worktreePath)), ...touched])];
    const left = await filesWithMarkers(git, worktreePath, candidates, ['HEAD', 'MERGE_HEAD']);
    if (left.length > 0) {
      throw missing('ConflictMarkersLeft', `conflict markers are left in ${left.map((f) => JSON.stringify(f)).join(', ')}`);
    }
    await stageAll(git, worktreePath, input.keepOut);
    const message = input.message.trim() === '' ? 'Merge (conflicts resolved)' : input.message;
    await git([...COMMITTER_CONFIG, 'commit', '--quiet', '--no-verify', '--no-edit', '-m', message], cwd);
    return { sha: await head(worktreePath) };
  }

  /**
   * Drops a merge in progress (if any): the worktree is back at HEAD, untracked files gone,
   * ignored ones and `keepOut` (the setup's output) kept.
   */
  async function abortMerge(input: { worktreePath: string; keepOut?: string[] }): Promise<void> {
    const worktreePath = await worktree(input.worktreePath);
    const cwd = { cwd: worktreePath };
    if (await mergeInProgress(worktreePath)) await git(['merge', '--abort'], { ...cwd, okExitCodes: [128] });
    await git(['reset', '--quiet', '--hard', 'HEAD'], cwd);
    await git(['clean', '-ffdq', ...keepOutPatterns(input.keepOut)], cwd);
  }

  /** The rollback: hard reset to `sha`, and every untracked or ignored file gone but `keepOut` (the setup's output). */
  async function resetTo(input: { worktreePath: string; sha: string; keepOut?: string[] }): Promise<void> {
    const worktreePath = await worktree(input.worktreePath);
    assertSha(input.sha);
    if (!(await commitOf(worktreePath, input.sha))) throw missing('UnknownCommit', `${input.sha} is not a commit of this repository`);
    const cwd = { cwd: worktreePath };
    await git(['reset', '--quiet', '--hard', input.sha], cwd);
    await git(['clean', '-ffdxq', ...keepOutPatterns(input.keepOut)], cwd);
  }

  /** HEAD of the merge worktree: what resetTo goes back to when the next merge is rolled back. */
  async function headSha(input: { worktreePath: string }): Promise<string> {
    return head(await worktree(input.worktreePath));
  }

  /**
   * Pushes HEAD to `refs/heads/<branch>` with a lease: only while origin's branch is still where
   * prepareMergeWorktree found it (or still absent). A person's push in between is never
   * overwritten: the push fails with BranchMoved instead.
   */
  async function pushFeatureBranch(input: { worktreePath: string; branch: string; remoteUrl: string }): Promise<{ sha: string }> {
    const worktreePath = await worktree(input.worktreePath);
    assertAidpBranch(input.branch);
    assertRemoteUrl(input.remoteUrl);
    if (await mergeInProgress(worktreePath)) {
      throw missing('MergeInProgress', 'a merge is still in progress: conclude or abort it before pushing');
    }
    const sha = await head(worktreePath);
    const recorded = await getWorktreeConfig(await trust(), worktreePath, 'aidp.leaseSha');
    if (recorded === undefined) logger?.warn({ worktreePath }, 'merge worktree prepared by an older aidp: no lease recorded, pushing forced');
    const lease = recorded === undefined ? undefined : { expected: recorded === 'none' ? null : recorded };
    await pushWithLease(git, { cwd: worktreePath, remoteUrl: input.remoteUrl, branch: input.branch, sha, lease });
    return { sha };
  }

  async function removeMergeWorktree(input: { worktreePath: string }): Promise<void> {
    const paths = await layout();
    await removeWorktreeAt({ git, layout: paths, trust: await trust(), logger }, assertMergeWorktreePath(paths, input.worktreePath));
  }

  return {
    prepareMergeWorktree,
    diffStats,
    mergeBranch,
    conflictMarkersLeft,
    concludeMerge,
    abortMerge,
    resetTo,
    headSha,
    pushFeatureBranch,
    removeMergeWorktree,
  };
}

export type MergeActivities = ReturnType<typeof createMergeActivities>;

/** `git clean` patterns (`-e /node_modules`) that keep these worktree paths, even with `-x`. */
function keepOutPatterns(paths: string[] | undefined): string[] {
  return (paths ?? []).flatMap((p) => ['-e', `/${p.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`)}`]);
}
