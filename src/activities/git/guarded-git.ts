import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Logger } from '../../logging/logger.js';
import { unsafePath } from './guards.js';
import { WorkDirLayout } from './layout.js';
import { RepoTrust } from './repo-trust.js';
import { createGitRunner, type GitRemoteAccess, type GitRunner } from './run-git.js';

const MIRROR_NAME = /^[0-9a-f]{16}\.git$/;
/** A mirror being cloned (mirror.ts): aidp's own, not yet reachable by any worktree. */
const BUILDING_MIRROR_NAME = /^[0-9a-f]{16}\.git\.tmp-\d+-[0-9a-f]{8}$/;

export interface GuardedGit {
  /** Runs git in a mirror or a worktree of the layout (the `cwd`), after checking it; nowhere else. */
  git: GitRunner;
  trust: RepoTrust;
}

/**
 * Every git command of the git and merge activities goes through here. By its `cwd`:
 * - a mirror: its config files are checked, then git runs with `--git-dir=<mirror>`;
 * - a worktree: RepoTrust.worktree checks its `.git`, back-pointer and config files, then git runs
 *   with `--git-dir=<the mirror's worktrees/<name>>` and `--work-tree=<worktree>`;
 * - `git init` in the mirrors directory, or a mirror being cloned: git runs as asked (aidp made them);
 * - anything else is refused.
 */
export function guardGit(base: GitRunner, layout: WorkDirLayout): GuardedGit {
  const trust = new RepoTrust(layout, base);
  const git: GitRunner = async (args, opts) => {
    const cwd = opts.cwd;
    if (cwd === layout.mirrorsDir && args[0] === 'init') return base(args, opts);
    if (dirname(cwd) === layout.mirrorsDir && MIRROR_NAME.test(basename(cwd))) {
      await trust.mirror(cwd);
      return base([`--git-dir=${cwd}`, ...args], opts);
    }
    if (dirname(cwd) === layout.mirrorsDir && BUILDING_MIRROR_NAME.test(basename(cwd))) {
      return base([`--git-dir=${cwd}`, ...args], opts);
    }
    const segments = relative(layout.worktreesDir, cwd).split(sep);
    if (segments.length === 2 && !segments.some((s) => s === '' || s === '.' || s === '..')) {
      const worktree = await trust.worktree(cwd);
      return base([`--git-dir=${worktree.gitDir}`, `--work-tree=${cwd}`, ...args], opts);
    }
    throw unsafePath(`aidp runs git only in its mirrors and worktrees, not in ${JSON.stringify(cwd)}`);
  };
  return { git, trust };
}

export interface ActivityGitDeps {
  workDir: string;
  logger?: Logger;
  /** The operator's environment additions for every git command (e.g. `url.<base>.insteadOf`). */
  gitEnv?: Record<string, string>;
  /** Credentials for fetch, push and ls-remote only. */
  gitRemote?: GitRemoteAccess;
}

/** The work dir's layout and the guarded git of a git or merge activities factory; opened on first use. */
export function openActivityGit(deps: ActivityGitDeps): {
  layout: () => Promise<WorkDirLayout>;
  git: GitRunner;
  trust: () => Promise<RepoTrust>;
} {
  let opened: Promise<{ layout: WorkDirLayout; guarded: GuardedGit }> | undefined;
  const open = () =>
    (opened ??= (async () => {
      const layout = await WorkDirLayout.open(deps.workDir);
      const home = join(layout.root, 'git-home');
      await mkdir(home, { recursive: true });
      const base = createGitRunner({ gitEnv: deps.gitEnv, remote: deps.gitRemote, home, logger: deps.logger });
      return { layout, guarded: guardGit(base, layout) };
    })());
  return {
    layout: async () => (await open()).layout,
    git: async (args, opts) => (await open()).guarded.git(args, opts),
    trust: async () => (await open()).guarded.trust,
  };
}
