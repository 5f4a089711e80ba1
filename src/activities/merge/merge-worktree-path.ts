import { join, relative, sep } from 'node:path';
import { unsafePath } from '../git/guards.js';
import { assertInside, type WorkDirLayout } from '../git/layout.js';
import { isSafeSlug } from '../../domain/slug.js';

/** Not a safe slug (no unit can have it): a feature's merge worktree sits beside its units' worktrees. */
export const MERGE_WORKTREE_NAME = '_merge';

/** `worktrees/<featureSlug>/_merge`. */
export function mergeWorktreePath(layout: WorkDirLayout, featureSlug: string): string {
  if (!isSafeSlug(featureSlug)) throw unsafePath(`${JSON.stringify(featureSlug)} is not a safe path segment`);
  return assertMergeWorktreePath(layout, join(layout.worktreesDir, featureSlug, MERGE_WORKTREE_NAME));
}

/** Exactly `worktrees/<safe slug>/_merge`, resolved; else non-retryable UnsafePath. */
export function assertMergeWorktreePath(layout: WorkDirLayout, path: string): string {
  const resolved = assertInside(layout.worktreesDir, path);
  const segments = relative(layout.worktreesDir, resolved).split(sep);
  if (segments.length !== 2 || !isSafeSlug(segments[0] ?? '') || segments[1] !== MERGE_WORKTREE_NAME) {
    throw unsafePath(`${JSON.stringify(path)} is not a merge worktree path under ${layout.worktreesDir}`);
  }
  return resolved;
}
