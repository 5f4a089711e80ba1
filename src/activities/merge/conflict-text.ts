/** Conflict markers in merged text, and the conflicting hunks as a resolver (or a person) reads them. */

/** What a conflicting path holds in the worktree: text, or why there is no text to show. */
export type ConflictFile =
  | { path: string; kind: 'text'; text: string }
  | { path: string; kind: 'missing' | 'binary' | 'not-a-file' };

const MARKER = /^(?:<{7}|\|{7}|>{7})(?: .*)?\r?$|^={7}\r?$/;
const START = /^<{7}(?: |\r?$)/;
const END = /^>{7}(?: |\r?$)/;
const CONTEXT_LINES = 3;

/** Lines that are conflict markers (`<<<<<<<`, `|||||||`, `=======`, `>>>>>>>`). */
export function countMarkerLines(text: string): number {
  let count = 0;
  for (const line of text.split('\n')) if (MARKER.test(line)) count++;
  return count;
}

/** `text` cut to `max` characters, saying how much was left out. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `\n… (${text.length - max} more characters left out)\n`;
  return text.slice(0, Math.max(0, max - note.length)) + note;
}

/** Each `<<<<<<<`…`>>>>>>>` region with a few lines of context, as `@@ line N @@` blocks. */
function markerRegions(text: string): string[] {
  const lines = text.split('\n');
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < lines.length; i++) {
    if (!START.test(lines[i] ?? '')) continue;
    let end = i + 1;
    while (end < lines.length && !END.test(lines[end] ?? '')) end++;
    const from = Math.max(0, i - CONTEXT_LINES);
    const to = Math.min(lines.length - 1, end + CONTEXT_LINES);
    const last = ranges[ranges.length - 1];
    if (last && from <= last[1] + 1) last[1] = to;
    else ranges.push([from, to]);
    i = end;
  }
  return ranges.map(([from, to]) => `@@ line ${from + 1} @@\n${lines.slice(from, to + 1).join('\n')}`);
}

const NO_TEXT: Record<Exclude<ConflictFile['kind'], 'text'>, string> = {
  missing: '(deleted on one side and changed on the other)',
  binary: '(binary file)',
  'not-a-file': '(not a regular file: a symlink or a directory on one side)',
};

/** The conflicting hunks of every file, `--- path` first, cut to `maxChars` in all. */
export function renderConflictHunks(files: ConflictFile[], maxChars = 6000): string {
  const parts = files.map((file) => {
    if (file.kind !== 'text') return `--- ${file.path}\n${NO_TEXT[file.kind]}`;
    const regions = markerRegions(file.text);
    return `--- ${file.path}\n${regions.length > 0 ? regions.join('\n') : '(no conflict markers)'}`;
  });
  return capText(parts.join('\n'), maxChars);
}
