import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { GitRunner } from '../git/run-git.js';
import { type ConflictFile, countMarkerLines } from './conflict-text.js';

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

/**
 * A path of the worktree as text, read only when it is a regular file that really lies inside
 * the worktree (a symlink to elsewhere on the host is never followed into workflow history).
 */
export async function readConflictFile(worktreePath: string, path: string): Promise<ConflictFile> {
  let real: string;
  try {
    real = await realpath(join(worktreePath, path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, kind: 'missing' };
    throw err;
  }
  if (!isInside(worktreePath, real) || !(await stat(real)).isFile()) return { path, kind: 'not-a-file' };
  const bytes = await readFile(real);
  if (bytes.includes(0)) return { path, kind: 'binary' };
  return { path, kind: 'text', text: bytes.toString('utf8') };
}

async function markersAt(git: GitRunner, worktreePath: string, rev: string, path: string): Promise<number> {
  const shown = await git(['cat-file', 'blob', `${rev}:${path}`], { cwd: worktreePath, okExitCodes: [128] });
  return shown.exitCode === 0 ? countMarkerLines(shown.stdout) : 0;
}

/**
 * Paths holding more conflict-marker lines than either side of the merge had (so a Markdown
 * heading underlined with `=======`, already in the file, is not taken for a leftover marker).
 */
export async function filesWithMarkers(
  git: GitRunner,
  worktreePath: string,
  paths: string[],
  sides: string[],
): Promise<string[]> {
  const left: string[] = [];
  for (const path of paths) {
    if (path === '' || isAbsolute(path) || !isInside(worktreePath, join(worktreePath, path))) continue;
    const file = await readConflictFile(worktreePath, path);
    if (file.kind !== 'text') continue;
    const now = countMarkerLines(file.text);
    if (now === 0) continue;
    let before = 0;
    for (const rev of sides) before = Math.max(before, await markersAt(git, worktreePath, rev, path));
    if (now > before) left.push(path);
  }
  return left;
}
