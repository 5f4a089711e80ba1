/** Markdown (and plain one-line text) from untrusted text (titles, ids, paths, check output). Pure: workflows import it. */

const ESC = String.fromCharCode(0x1b);
/** Terminal colour and cursor codes (CSI sequences), as check output carries them. */
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

/** Control characters (C0 but tab and newlines, DEL, C1), which have no place in Markdown or on a terminal. */
function dropControls(text: string): string {
  let kept = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if ((code < 0x20 && ch !== '\t' && ch !== '\n' && ch !== '\r') || (code >= 0x7f && code <= 0x9f)) continue;
    kept += ch;
  }
  return kept;
}

/** Characters with inline meaning; a backslash before ASCII punctuation always shows it as is. */
const INLINE_SPECIAL = /[\\`*_[\]<>|~#&]/g;

/** One line of plain text, every newline a space and no control characters. */
export function oneLine(text: string): string {
  return dropControls(text.replace(ANSI, '').replace(/\r\n|\r|\n|\t/g, ' ')).trim();
}

/** Text shown as written, in a paragraph, a heading or a table cell (`|` escaped too). */
export function escapeInline(text: string): string {
  return oneLine(text).replace(INLINE_SPECIAL, '\\$&');
}

function longestRun(text: string, ch: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** A code span that holds any text, backticks included (not for table cells: use escapeInline). */
export function inlineCode(text: string): string {
  const value = oneLine(text);
  const fence = '`'.repeat(longestRun(value, '`') + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** `text` cut to its last `max` characters, saying how much was left out before it. */
export function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  return `… (${text.length - max} earlier characters left out)\n${text.slice(text.length - max)}`;
}

/** A fenced block that no line of `text` can close early; colour codes and control characters removed. */
export function fencedBlock(text: string, info = 'text'): string {
  const clean = dropControls(text.replace(ANSI, '').replace(/\r\n?/g, '\n')).replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(clean, '`') + 1));
  return `${fence}${info}\n${clean}\n${fence}`;
}

/** 0.8 → `80%`. */
export function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

/** 45 → `45s`, 725 → `12m 5s`, 3720 → `1h 2m`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
