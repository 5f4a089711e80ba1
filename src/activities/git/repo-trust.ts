import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { ConfigChecker, type ConfigEntries, mirrorConfigRule, mirrorWorktreeConfigRule, tampered, worktreeConfigRule } from './config-check.js';
import type { WorkDirLayout } from './layout.js';
import type { GitRunner } from './run-git.js';
import { WORKTREE_MISSING } from '../../domain/failure-types.js';

export interface TrustedWorktree {
  /** `<mirror>/worktrees/<name>`: where git keeps this worktree's HEAD, index and config.worktree. */
  gitDir: string;
  mirrorPath: string;
  /** Its config.worktree, checked (aidp's identity and records only). */
  config: ConfigEntries;
}

async function kind(path: string): Promise<'file' | 'dir' | 'symlink' | 'other' | 'missing'> {
  try {
    const st = await lstat(path);
    return st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw err;
  }
}

async function readSmall(path: string): Promise<string | undefined> {
  if ((await kind(path)) !== 'file') return undefined;
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    // Removed in between (another unit's worktree going away): as if it had never been there.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * What aidp checks before each git command it runs in a mirror or a worktree, treating the
 * worktree as hostile: its `.git` must still be the file git wrote, pointing at this worktree's
 * directory in one of aidp's mirrors, which must point back; the config files git will read
 * must hold only what aidp put there. Git then runs with `--git-dir` and `--work-tree` computed
 * here, never discovering anything from the worktree itself.
 */
export class RepoTrust {
  private readonly configs: ConfigChecker;

  constructor(
    private readonly layout: WorkDirLayout,
    git: GitRunner,
  ) {
    this.configs = new ConfigChecker(git);
  }

  /** The mirror's own files: its shared config and its config.worktree. */
  async mirror(mirrorPath: string): Promise<void> {
    const path = this.layout.assertMirrorPath(mirrorPath);
    if ((await kind(path)) !== 'dir') throw tampered(`${path} is not a directory`);
    await this.configs.check(join(path, 'config'), this.layout.mirrorsDir, mirrorConfigRule(path));
    await this.configs.check(join(path, 'config.worktree'), this.layout.mirrorsDir, mirrorWorktreeConfigRule);
  }

  /** The worktree at `worktreePath` (already checked to be a worktree path of the layout), verified. */
  async worktree(worktreePath: string): Promise<TrustedWorktree> {
    const { gitDir, mirrorPath } = await this.worktreeDirs(worktreePath);
    const config = await this.configs.check(join(gitDir, 'config.worktree'), this.layout.mirrorsDir, worktreeConfigRule);
    return { gitDir, mirrorPath, config };
  }

  /**
   * The worktree's git dir and mirror, with everything but its config.worktree verified: for
   * aidp writing that file (which the next `worktree` call then checks).
   */
  async worktreeDirs(worktreePath: string): Promise<{ gitDir: string; mirrorPath: string }> {
    const worktreeKind = await kind(worktreePath);
    if (worktreeKind === 'missing') {
      throw ApplicationFailure.nonRetryable(`${worktreePath} does not exist (prepare the worktree first)`, WORKTREE_MISSING);
    }
    if (worktreeKind !== 'dir') throw tampered(`${worktreePath} is not a directory`);
    const dotGit = join(worktreePath, '.git');
    const dotGitKind = await kind(dotGit);
    if (dotGitKind !== 'file') throw tampered(`${dotGit} is ${dotGitKind === 'missing' ? 'gone' : `a ${dotGitKind}`}, not the file git wrote`);
    if ((await lstat(dotGit)).size > 4096) throw tampered(`${dotGit} is far larger than the one line git wrote`);
    const match = /^gitdir: (\/[^\n]*)\n?$/.exec(await readFile(dotGit, 'utf8'));
    if (!match?.[1]) throw tampered(`${dotGit} does not hold a "gitdir: <absolute path>" line alone`);
    const found = this.inMirrors(match[1]);
    if (!found) throw tampered(`${dotGit} points outside aidp's mirrors (${match[1]})`);
    const { gitDir, mirrorPath } = found;
    if ((await kind(gitDir)) !== 'dir') throw tampered(`${dotGit} points at ${gitDir}, which is not a directory`);
    if ((await readSmall(join(gitDir, 'gitdir')))?.trim() !== dotGit) {
      throw tampered(`${dotGit} points at ${gitDir}, which belongs to another worktree`);
    }
    if ((await readSmall(join(gitDir, 'commondir')))?.trim() !== '../..') throw tampered(`${gitDir}/commondir is not "../.."`);
    await this.mirror(mirrorPath);
    return { gitDir, mirrorPath };
  }

  /**
   * The mirror and worktree dir that hold `worktreePath`, found from the mirrors' side (each
   * `worktrees/<name>/gitdir` names its worktree), never from the worktree's own `.git`.
   */
  async locate(worktreePath: string): Promise<{ mirrorPath: string; gitDir: string } | undefined> {
    const dotGit = join(worktreePath, '.git');
    for (const name of await readdir(this.layout.mirrorsDir)) {
      if (!/^[0-9a-f]{16}\.git$/.test(name)) continue;
      const mirrorPath = join(this.layout.mirrorsDir, name);
      let entries: string[];
      try {
        entries = await readdir(join(mirrorPath, 'worktrees'));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') continue;
        throw err;
      }
      for (const entry of entries) {
        const gitDir = join(mirrorPath, 'worktrees', entry);
        if ((await readSmall(join(gitDir, 'gitdir')))?.trim() === dotGit) return { mirrorPath, gitDir };
      }
    }
    return undefined;
  }

  /** `<mirrorsDir>/<mirror>/worktrees/<name>`, normalised, with its mirror; else undefined. */
  private inMirrors(path: string): { gitDir: string; mirrorPath: string } | undefined {
    const [mirror, worktrees, name, ...more] = relative(this.layout.mirrorsDir, path).split(sep);
    if (more.length > 0 || worktrees !== 'worktrees' || !mirror || !name) return undefined;
    if (!/^[0-9a-f]{16}\.git$/.test(mirror) || !/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name)) return undefined;
    const mirrorPath = join(this.layout.mirrorsDir, mirror);
    return { gitDir: join(mirrorPath, 'worktrees', name), mirrorPath };
  }
}
