import { relative, isAbsolute } from 'node:path';

/** Whether `inner` is `outer` or lies below it (both absolute and normalised). */
export function isWithin(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The protected path that mounting `path` would expose (it is one, or contains one), if any. */
export function exposedProtectedPath(path: string, protectedPaths: readonly string[]): string | undefined {
  return protectedPaths.find((p) => isWithin(p, path));
}
