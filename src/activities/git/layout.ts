import { createHash } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { unsafePath } from './guards.js';
import { isSafeSlug } from '../../domain/slug.js';

/** `candidate` resolved, when it lies strictly inside `root`; else non-retryable UnsafePath. */
export function assertInside(root: string, candidate: string): string {
  const resolved = resolve(root, candidate);
  const rel = relative(root, resolved);
  if (rel === '' || isAbsolute(rel) || rel.split(sep)[0] === '..') {
    throw unsafePath(`${JSON.stringify(candidate)} is outside ${root}`);
  }
  return resolved;
}

/**
 * Where git work lives under the work dir: `mirrors/<sha1 of url, 16 hex>.git` and
 * `worktrees/<featureSlug>/<unitSlug>`. Every path handed out or taken in is checked here.
 */
export class WorkDirLayout {
  readonly mirrorsDir: string;
  readonly worktreesDir: string;

  private constructor(readonly root: string) {
    this.mirrorsDir = join(root, 'mirrors');
    this.worktreesDir = join(root, 'worktrees');
  }

  /** Creates the directories; paths are real (no symlinks), as git reports them. */
  static async open(workDir: string): Promise<WorkDirLayout> {
    await mkdir(workDir, { recursive: true });
    const layout = new WorkDirLayout(await realpath(workDir));
    await mkdir(layout.mirrorsDir, { recursive: true });
    await mkdir(layout.worktreesDir, { recursive: true });
    return layout;
  }

  mirrorPath(remoteUrl: string): string {
    const name = `${createHash('sha1').update(remoteUrl, 'utf8').digest('hex').slice(0, 16)}.git`;
    return this.assertMirrorPath(join(this.mirrorsDir, name));
  }

  /** A mirror directly under mirrors/. */
  assertMirrorPath(path: string): string {
    const resolved = assertInside(this.mirrorsDir, path);
    const rel = relative(this.mirrorsDir, resolved);
    if (rel.includes(sep) || !/^[0-9a-f]{16}\.git$/.test(rel)) throw unsafePath(`${JSON.stringify(path)} is not a mirror path`);
    return resolved;
  }

  worktreePath(featureSlug: string, unitSlug: string): string {
    for (const segment of [featureSlug, unitSlug]) {
      if (!isSafeSlug(segment)) throw unsafePath(`${JSON.stringify(segment)} is not a safe path segment`);
    }
    return this.assertWorktreePath(join(this.worktreesDir, featureSlug, unitSlug));
  }

  /** Exactly `worktrees/<safe slug>/<safe slug>`: nothing shallower, deeper or elsewhere. */
  assertWorktreePath(path: string): string {
    const resolved = assertInside(this.worktreesDir, path);
    const segments = relative(this.worktreesDir, resolved).split(sep);
    if (segments.length !== 2 || !segments.every(isSafeSlug)) {
      throw unsafePath(`${JSON.stringify(path)} is not a worktree path under ${this.worktreesDir}`);
    }
    return resolved;
  }
}
