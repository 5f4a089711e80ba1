/** A fenced code block: lines [start, end) hold its content; `info` is the opening line's info string. */
export interface Fence {
  info: string;
  open: number;
  start: number;
  end: number;
}

const OPENING = /^ {0,3}(`{3,}|~{3,})([^`]*)$/;

/** CommonMark fences: closed by the same character, at least as long; an unclosed one runs to the end. */
export function findFences(lines: string[]): Fence[] {
  const fences: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = OPENING.exec(lines[i] ?? '');
    if (!match?.[1]) continue;
    const marker = match[1];
    const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end] ?? '')) end++;
    fences.push({ info: (match[2] ?? '').trim(), open: i, start: i + 1, end });
    i = end;
  }
  return fences;
}
