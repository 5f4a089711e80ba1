/**
 * `git diff --numstat -z --no-renames`: one `added<TAB>removed<TAB>path` record per file, NUL
 * ended; binary files show `-` for both counts and add no lines.
 */
export function parseNumstat(output: string): { files: number; lines: number } {
  let files = 0;
  let lines = 0;
  for (const record of output.split('\0')) {
    const [added, removed] = record.split('\t');
    if (added === undefined || removed === undefined) continue;
    files++;
    lines += (Number.parseInt(added, 10) || 0) + (Number.parseInt(removed, 10) || 0);
  }
  return { files, lines };
}
