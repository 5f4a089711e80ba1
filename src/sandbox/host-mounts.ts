import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { delimiter, dirname, isAbsolute } from 'node:path';
import type { Mount, SystemRoot } from './bwrap-args.js';

/** Read-only in every sandbox when they exist. */
export const SYSTEM_ROOTS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/etc', '/opt'] as const;

/** The system roots as they are here: directories, or symlinks kept as symlinks. */
export function hostSystemRoots(): SystemRoot[] {
  const roots: SystemRoot[] = [];
  for (const path of SYSTEM_ROOTS) {
    const stat = lstatOrUndefined(path);
    if (!stat) continue;
    if (stat.isSymbolicLink()) roots.push({ path, symlinkTo: readlinkSync(path) });
    else if (stat.isDirectory()) roots.push({ path });
  }
  return roots;
}

/** The node installation running aidp: `<prefix>/bin/node` → `<prefix>`. */
export function nodePrefix(): string {
  return dirname(dirname(realpathSync(process.execPath)));
}

/** The absolute, existing directories of a PATH value. */
export function pathDirectories(path: string | undefined): string[] {
  return (path ?? '').split(delimiter).filter((dir) => isAbsolute(dir) && existsSync(dir));
}

/** Existing paths as mounts from their real location; missing ones are skipped. */
export function mountsFor(paths: readonly string[]): Mount[] {
  const mounts: Mount[] = [];
  for (const dest of paths) {
    const source = realOrUndefined(dest);
    if (source) mounts.push({ source, dest });
  }
  return mounts;
}

/** Protected paths as given and as resolved (a symlinked work dir is protected under both names). */
export function resolvedProtectedPaths(paths: readonly string[]): string[] {
  return [...new Set(paths.flatMap((p) => [p, realOrUndefined(p) ?? p]))];
}

/** Missing (or under a non-directory): nothing to mount or to resolve. */
const MISSING = new Set(['ENOENT', 'ENOTDIR']);

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch (err) {
    if (MISSING.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw err;
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (err) {
    if (MISSING.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw err;
  }
}
