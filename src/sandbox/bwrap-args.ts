import { exposedProtectedPath, isWithin } from './protected-paths.js';

/** A host path mounted at `dest` (the same path unless it was reached through a symlink). */
export interface Mount {
  source: string;
  dest: string;
}

/** A system root as it is on the host: a directory, or a symlink (`/bin -> usr/bin`) kept as one. */
export type SystemRoot = { path: string; symlinkTo?: undefined } | { path: string; symlinkTo: string };

export interface BwrapPlan {
  /** The system roots that exist on the host. */
  systemRoots: SystemRoot[];
  /** Read-only: the node installation, the PATH directories, the operator's read paths (existing ones). */
  readMounts: Mount[];
  /** Writable: the operator's write paths (existing ones). */
  writeMounts: Mount[];
  /** Never mounted, nor any mount that contains one. */
  protectedPaths: string[];
  /** Like protected paths, and nothing inside them is mounted either (the work dir: mirrors, other worktrees), but the worktree and scratch dir. */
  sealedDirs: string[];
  /** The same path inside, and the working directory: writable unless `worktreeReadOnly`. */
  worktree: string;
  /** Read-only (an agent asked only for text, in a checkout it must not change). */
  worktreeReadOnly?: boolean;
  /** Paths inside the worktree hidden from the sandbox: files by /dev/null, directories by an empty tmpfs. */
  masks?: Array<{ path: string; kind: 'file' | 'dir' }>;
  /** Writable per-run scratch dir: HOME and TMPDIR live in it. */
  scratch: string;
  /** Files inside the scratch dir made read-only again (the prompt). */
  readOnlyFiles: string[];
  /** From the sandbox's network (e.g. --share-net). */
  networkArgs: string[];
}

export interface DroppedPath {
  path: string;
  reason: string;
}

/** Namespaces, no capabilities, killed with its parent, its own session (no TIOCSTI into the worker's terminal). */
const ISOLATION = ['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
const FRESH = ['--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp'];

/**
 * The bwrap options (everything before `--`) of one sandbox. Pure: what exists on the host is
 * in the plan. A read or write mount that is, or contains, a protected path, or lies in a
 * sealed dir, is dropped and named in `dropped`; one already covered by an earlier read-only
 * mount is left out.
 */
export function buildBwrapArgs(plan: BwrapPlan): { args: string[]; dropped: DroppedPath[] } {
  const args = [...ISOLATION, ...FRESH];
  const dropped: DroppedPath[] = [];
  const readOnly: string[] = [];
  const exposes = (path: string): boolean => {
    const hit = exposedProtectedPath(path, [...plan.protectedPaths, ...plan.sealedDirs]);
    const sealed = plan.sealedDirs.find((dir) => isWithin(path, dir));
    if (hit) dropped.push({ path, reason: `it would expose the protected path ${hit}` });
    else if (sealed) dropped.push({ path, reason: `it lies in ${sealed}, which no sandbox may read` });
    return hit !== undefined || sealed !== undefined;
  };

  for (const root of plan.systemRoots) {
    if (root.symlinkTo !== undefined) args.push('--symlink', root.symlinkTo, root.path);
    else if (!exposes(root.path)) {
      args.push('--ro-bind', root.path, root.path);
      readOnly.push(root.path);
    }
  }
  for (const mount of plan.readMounts) {
    if (exposes(mount.source) || (mount.dest !== mount.source && exposes(mount.dest))) continue;
    if (readOnly.some((dir) => isWithin(mount.dest, dir) && isWithin(mount.source, dir))) continue; // already visible
    args.push('--ro-bind', mount.source, mount.dest);
    readOnly.push(mount.dest);
  }
  for (const mount of plan.writeMounts) {
    if (exposes(mount.source) || (mount.dest !== mount.source && exposes(mount.dest))) continue;
    args.push('--bind', mount.source, mount.dest);
  }
  args.push(plan.worktreeReadOnly ? '--ro-bind' : '--bind', plan.worktree, plan.worktree);
  for (const mask of plan.masks ?? []) {
    if (mask.kind === 'file') args.push('--ro-bind', '/dev/null', mask.path);
    else args.push('--tmpfs', mask.path);
  }
  args.push('--bind', plan.scratch, plan.scratch);
  for (const file of plan.readOnlyFiles) args.push('--ro-bind', file, file);
  args.push(...plan.networkArgs, '--chdir', plan.worktree);
  return { args, dropped };
}
