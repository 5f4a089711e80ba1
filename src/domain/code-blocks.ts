/** A run of Markdown source: `code` when GitHub certainly shows it verbatim in a fenced code block. */
export interface MarkdownSegment {
  code: boolean;
  text: string;
}

const BACKTICK_FENCE = /^(`{3,})[^`]*$/;
const TILDE_FENCE = /^(~{3,})/;

/**
 * HTML blocks (CommonMark's seven kinds): while one is open its lines are raw HTML, so a fence
 * line inside it is no fence. Each start here is at least as wide as CommonMark's and each end
 * no earlier, so a line is never taken for a fence that GitHub renders as HTML.
 */
const BLANK = /^[ \t]*$/;
const HTML_BLOCKS: Array<{ start: RegExp; end: RegExp }> = [
  { start: /^ {0,3}<(?:pre|script|style|textarea)/i, end: /<\/(?:pre|script|style|textarea)>/i },
  { start: /^ {0,3}<!--/, end: /-->/ },
  { start: /^ {0,3}<\?/, end: /\?>/ },
  { start: /^ {0,3}<!\[CDATA\[/, end: /\]\]>/ },
  { start: /^ {0,3}<![A-Za-z]/, end: />/ },
  { start: /^ {0,3}<\/?[A-Za-z]/, end: BLANK },
];

/**
 * Splits Markdown (line breaks already `\n`) into prose and fenced code, conservatively: a fence
 * counts only when its opening line starts in column 0 outside any HTML block, where no list or
 * quote can hold it and GitHub shows everything up to the closing fence (or the end) as code.
 * A fence GitHub would see but this does not is treated as prose: only ever too much is cleaned.
 */
export function splitFencedCode(text: string): MarkdownSegment[] {
  const lines = text.split('\n');
  const segments: MarkdownSegment[] = [];
  let prose: string[] = [];
  const flushProse = () => {
    if (prose.length > 0) segments.push({ code: false, text: prose.join('\n') });
    prose = [];
  };
  let html: RegExp | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (html) {
      prose.push(line);
      if (html.test(line)) html = undefined;
      continue;
    }
    const marker = BACKTICK_FENCE.exec(line)?.[1] ?? TILDE_FENCE.exec(line)?.[1];
    if (marker) {
      const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
      let end = i + 1;
      while (end < lines.length && !closing.test(lines[end]!)) end++;
      flushProse();
      segments.push({ code: true, text: lines.slice(i, end + 1).join('\n') });
      i = end;
      continue;
    }
    prose.push(line);
    const block = HTML_BLOCKS.find((b) => b.start.test(line));
    // Kinds 1-5 may end on their first line; kinds 6-7 end at a blank line, never the first.
    if (block) html = block.end === BLANK || !block.end.test(line) ? block.end : undefined;
  }
  flushProse();
  return joinSeparators(segments);
}

/** Segments joined with '' must give the text back: every segment but the last ends its line. */
function joinSeparators(segments: MarkdownSegment[]): MarkdownSegment[] {
  return segments.map((s, i) => (i < segments.length - 1 ? { ...s, text: `${s.text}\n` } : s));
}
