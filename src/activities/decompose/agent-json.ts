/** Only the end of a long answer is searched: the JSON comes last. */
const MAX_SCANNED = 200_000;

interface Candidate {
  end: number;
  value: unknown;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false }; // not JSON: the caller looks at the next candidate
  }
}

/** ```json blocks whose content parses. */
function fencedJson(text: string): Candidate[] {
  const found: Candidate[] = [];
  for (const match of text.matchAll(/```json[^\n]*\n([\s\S]*?)```/gi)) {
    const parsed = tryParse(match[1] ?? '');
    if (parsed.ok) found.push({ end: match.index + match[0].length, value: parsed.value });
  }
  return found;
}

/** Outermost `{…}` spans that parse as JSON; a stray brace is skipped over. */
function bareObjects(text: string): Candidate[] {
  const found: Candidate[] = [];
  let from = 0;
  while (from < text.length) {
    const start = text.indexOf('{', from);
    if (start < 0) break;
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = start; i < text.length && end < 0; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) end = i + 1;
    }
    const parsed = end > 0 ? tryParse(text.slice(start, end)) : { ok: false as const };
    if (parsed.ok) {
      found.push({ end, value: parsed.value });
      from = end;
    } else {
      from = start + 1;
    }
  }
  return found;
}

const looksLikeUnits = (value: unknown): boolean =>
  Array.isArray(value) || (value !== null && typeof value === 'object' && 'units' in value);

/**
 * The JSON an agent answered with: the last ```json block or bare JSON object in its output,
 * preferring the last one that holds units. Undefined when there is none.
 */
export function lastJson(output: string): unknown {
  const text = output.length > MAX_SCANNED ? output.slice(-MAX_SCANNED) : output;
  const candidates = [...fencedJson(text), ...bareObjects(text)].sort((a, b) => a.end - b.end);
  const withUnits = candidates.filter((c) => looksLikeUnits(c.value));
  return (withUnits.at(-1) ?? candidates.at(-1))?.value;
}
