import { splitZ } from './queries.js';
import type { GitRunner } from './run-git.js';

/** Pathspecs leaving out these paths (all of `.` but them), or none. */
function keepOutSpecs(paths: readonly string[] | undefined): string[] {
  return paths && paths.length > 0 ? ['.', ...paths.map((p) => `:(exclude,literal)${p}`)] : [];
}

const NO_MODE = '000000';

/**
 * The paths of `git status --porcelain=v2 -z --branch --no-renames` output whose working-tree
 * file differs from HEAD (untracked ones included), when HEAD is `baseSha` and the output says
 * so for certain; else undefined. Uncertain: a file changed both in the index and in the
 * working tree (the working tree may be back at HEAD's content), a conflict, a rename record.
 */
export function statusChangesSince(output: string, baseSha: string): string[] | undefined {
  const paths: string[] = [];
  let head: string | undefined;
  for (const record of splitZ(output)) {
    if (record.startsWith('# branch.oid ')) {
      head = record.slice('# branch.oid '.length);
    } else if (record.startsWith('? ')) {
      paths.push(record.slice(2));
    } else if (record.startsWith('1 ')) {
      // 1 XY sub mH mI mW hH hI path (the path may hold spaces; nothing before it does)
      const fields = record.split(' ');
      const [xy = '', mHead, mWorktree] = [fields[1], fields[3], fields[5]];
      const path = fields.slice(8).join(' ');
      const both = xy[0] !== '.' && xy[1] !== '.';
      if (both && mHead !== NO_MODE && mWorktree !== NO_MODE) return undefined;
      if (!(mHead === NO_MODE && mWorktree === NO_MODE)) paths.push(path);
    } else if (!record.startsWith('# ')) {
      return undefined;
    }
  }
  return head === baseSha ? paths : undefined;
}

/**
 * Files that differ from `baseSha` in a worktree: committed, staged, unstaged, and untracked but
 * not ignored; `keepOut` (the setup cache's paths) left out. One `git status` answers while HEAD
 * is still the base (an agent that did not commit); otherwise `diff` and `ls-files` do.
 */
export async function changedFilesSince(git: GitRunner, worktreePath: string, baseSha: string, keepOut?: readonly string[]): Promise<string[]> {
  const specs = keepOutSpecs(keepOut);
  const out = async (args: string[]): Promise<string> => (await git(args, { cwd: worktreePath })).stdout;
  const status = await out([
    '--no-optional-locks',
    'status',
    '--porcelain=v2',
    '-z',
    '--branch',
    '--untracked-files=all',
    '--ignore-submodules=all',
    '--no-renames',
    '--',
    ...specs,
  ]);
  const fromStatus = statusChangesSince(status, baseSha);
  if (fromStatus) return [...new Set(fromStatus)].sort();
  const tracked = await out(['diff', '--name-only', '-z', '--no-renames', baseSha, '--', ...specs]);
  const untracked = await out(['ls-files', '--others', '--exclude-standard', '-z', '--', ...specs]);
  return [...new Set([...splitZ(tracked), ...splitZ(untracked)])].sort();
}
