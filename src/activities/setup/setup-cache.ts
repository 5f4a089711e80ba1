import { createHash, randomUUID } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

export interface CacheSpec {
  key_files: string[];
  paths: string[];
}

/** `<workDir>/setup-cache`: never inside a worktree, never mounted into a sandbox (the work dir is sealed). */
export function cacheRoot(workDir: string): string {
  return join(workDir, 'setup-cache');
}

/**
 * The cache key: the repository, the commands, the cached paths and the content of every key
 * file (a missing one counts as missing). Any change to any of them is a new entry.
 */
export async function cacheKey(input: { worktreePath: string; scope: string; commands: string[]; cache: CacheSpec }): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ scope: input.scope, commands: input.commands, paths: input.cache.paths }));
  for (const file of input.cache.key_files) {
    const content = (await isPlainFileInside(input.worktreePath, file)) ? await readFile(join(input.worktreePath, file)) : undefined;
    hash.update(`\0${file}\0${content ? createHash('sha256').update(content).digest('hex') : 'missing'}`);
  }
  return hash.digest('hex').slice(0, 32);
}

/** The entry's directory when it is complete, else undefined. */
export async function findEntry(root: string, key: string): Promise<string | undefined> {
  const dir = join(root, key);
  return (await exists(join(dir, 'complete'))) ? dir : undefined;
}

/**
 * Copies the entry's paths into the worktree, over whatever is there. Copy-on-write where the
 * file system can (`cp --reflink=auto`), a real copy elsewhere: never hard links, whose shared
 * inodes an agent could write through into the cache and every later worktree.
 */
export async function restoreEntry(entry: string, worktreePath: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    const from = join(entry, 'files', path);
    if (!(await exists(from))) continue;
    await assertNoLinkedParents(worktreePath, path);
    const to = join(worktreePath, path);
    await rm(to, { recursive: true, force: true });
    await mkdir(dirname(to), { recursive: true });
    await copyTree(from, to);
  }
}

/**
 * Saves the worktree's paths (right after a setup that passed, before any agent touched the
 * worktree) as the entry for `key`, atomically: a half-written entry is never found.
 */
export async function saveEntry(root: string, key: string, worktreePath: string, paths: string[]): Promise<boolean> {
  const staging = join(root, `.tmp-${randomUUID()}`);
  try {
    for (const path of paths) {
      await assertNoLinkedParents(worktreePath, path);
      const from = join(worktreePath, path);
      if (!(await exists(from))) continue;
      const to = join(staging, 'files', path);
      await mkdir(dirname(to), { recursive: true });
      await copyTree(from, to);
    }
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, 'complete'), `${new Date().toISOString()}\n`);
    try {
      await rename(staging, join(root, key));
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another unit saved the same entry first.
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw err;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** `cp -a` keeps symlinks as symlinks: nothing outside the worktree is followed into the cache. */
async function copyTree(from: string, to: string): Promise<void> {
  await execa('cp', ['-a', '--reflink=auto', '--', from, to], { extendEnv: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
}

/**
 * Every directory above `path` in the worktree is a real directory: a symlinked parent (which
 * setup code could plant) would make the copy read or write outside the worktree.
 */
async function assertNoLinkedParents(worktreePath: string, path: string): Promise<void> {
  const parts = path.split('/');
  let current = worktreePath;
  for (const part of parts.slice(0, -1)) {
    current = join(current, part);
    const stat = await lstat(current).catch(() => undefined);
    if (!stat) return;
    if (!stat.isDirectory()) throw new Error(`setup cache: ${JSON.stringify(path)} lies under ${current}, which is not a directory`);
  }
}

async function isPlainFileInside(worktreePath: string, file: string): Promise<boolean> {
  await assertNoLinkedParents(worktreePath, file);
  const stat = await lstat(join(worktreePath, file)).catch(() => undefined);
  return stat?.isFile() ?? false;
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}
