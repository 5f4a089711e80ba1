import { splitFencedCode } from './code-blocks.js';

/**
 * Code points that render as nothing: default-ignorables (zero-width and joiners, soft hyphen,
 * bidi controls, Hangul fillers, variation selectors, tag characters), other format characters,
 * the blank Braille pattern, and controls but tab and line feed.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]|(?![\t\n])\p{Cc}/gu;
const INVISIBLE_ONE = new RegExp(`^(?:${INVISIBLE.source})$`, 'u');
const CHARACTER_REFERENCE = /&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));/g;
const INVISIBLE_ENTITY = /&(?:shy|ZeroWidthSpace|zwj|zwnj|lrm|rlm|NoBreak|InvisibleTimes|InvisibleComma|ApplyFunction|it|ic|af|Negative(?:VeryThin|Thin|Medium|Thick)Space);/g;

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
/** Elements whose content GitHub never shows. */
const HIDDEN_ELEMENT = /<(script|style|template|noscript)\b[\s\S]*?(?:<\/\1\s*>|$)/gi;
const NAME = '[A-Za-z_:][A-Za-z0-9_.:-]*';
const VALUE = '(?:"[^"]*"|\'[^\']*\'|[^\\s"\'=<>`]+)';
const HTML_TAG = new RegExp(String.raw`<([A-Za-z][A-Za-z0-9-]*)((?:\s+${NAME}(?:\s*=\s*${VALUE})?)*)\s*(\/?)>`, 'g');
const HTML_ATTRIBUTE = new RegExp(String.raw`(${NAME})(?:\s*=\s*${VALUE})?`, 'g');
/** Attributes a reader sees the effect of; every other one (alt, title, aria-*, data-*…) is hidden text. */
const SHOWN_ATTRIBUTES = new Set(['href', 'src']);
const TITLE = String.raw`(?:"(?:\\[\s\S]|[^"\\])*"|'(?:\\[\s\S]|[^'\\])*'|\((?:\\[\s\S]|[^()\\])*\))`;
const DESTINATION = String.raw`(?:<[^>\n]*>|[^\s()<][^\s()]*(?:\([^\s()]*\)[^\s()]*)*)`;
/**
 * `[label]: destination "title"`: never rendered (`[//]: # (…)` is the comment idiom), footnotes
 * included. `(?=(x))\N` matches x without backtracking into it, which keeps these linear.
 */
const LINK_DEFINITION = new RegExp(
  String.raw`^ {0,3}\[(?:\\[\s\S]|[^\\[\]]){1,999}\]:(?=([ \t]*\n?[ \t]*))\1(?=(${DESTINATION}))\2(?:(?=([ \t]*\n?[ \t]*))\3${TITLE})?[ \t]*$`,
  'gm',
);
/**
 * `[^label]: text`: shown only when referenced, so taken as hidden; with its lazy lines and the
 * indented paragraphs that continue it after blank lines.
 */
const FOOTNOTE = /^ {0,3}\[\^[^\]\n]{1,999}\]:.*(?:\n(?![ \t]*$).*)*(?:(?:\n[ \t]*$)+\n[ \t]+\S.*(?:\n(?![ \t]*$).*)*)*/gm;
/** `](destination "title")`: the title only shows on hover. */
const LINK_TITLE = new RegExp(String.raw`(\]\((?=(\s*))\2(?:(?=(${DESTINATION}))\3)?)(?=(\s*))\4${TITLE}(?=(\s*))\5\)`, 'g');

/** Passes after which what is left is adversarial nesting, and every `<`, `[` and `]` goes. */
const MAX_PASSES = 8;

/**
 * Plain untrusted text (a diff, CI or program output): line breaks made `\n` and every invisible
 * character removed. Removing code points cannot create another invisible one, so one pass does.
 */
export function stripInvisible(text: string): string {
  return normalizeLineBreaks(text).replace(INVISIBLE, '');
}

/**
 * Markdown from GitHub (an issue, comment, review or PR body) as its reader saw it rendered:
 * outside fenced code, NFKC-normalised, then stripped of invisible characters (also written as
 * entities), HTML comments, never-shown elements, hidden attributes, link reference definitions,
 * link titles and image alt text, again and again until nothing changes, so that removing one
 * hidden thing cannot assemble another (`<!-` + U+200B + `-` is `<!--` once cleaned). Fenced code
 * (shown verbatim) only loses its invisible characters.
 */
export function stripHiddenMarkdown(text: string): string {
  return splitFencedCode(normalizeLineBreaks(text))
    .map((segment) => (segment.code ? segment.text.replace(INVISIBLE, '') : cleanProse(segment.text)))
    .join('');
}

function cleanProse(text: string): string {
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = cleanOnce(current);
    if (next === current) return next;
    current = next;
  }
  // Only a text built to nest hidden parts gets here: without these characters none is left.
  return cleanOnce(current).replace(/[<[\]]/g, '');
}

function cleanOnce(text: string): string {
  return stripImageAlt(
    text
      .normalize('NFKC')
      .replace(INVISIBLE, '')
      .replace(CHARACTER_REFERENCE, (ref, hex?: string, dec?: string) => (isInvisible(hex ? parseInt(hex, 16) : Number(dec)) ? '' : ref))
      .replace(INVISIBLE_ENTITY, '')
      .replace(HTML_COMMENT, '')
      .replace(HIDDEN_ELEMENT, '')
      .replace(HTML_TAG, (_tag, name: string, attributes: string, close: string) => `<${name}${shownAttributes(attributes)}${close}>`)
      .replace(FOOTNOTE, '')
      .replace(LINK_DEFINITION, '')
      .replace(LINK_TITLE, '$1)'),
  );
}

function shownAttributes(attributes: string): string {
  const kept: string[] = [];
  for (const [whole, name] of attributes.matchAll(HTML_ATTRIBUTE)) {
    if (SHOWN_ATTRIBUTES.has(name!.toLowerCase())) kept.push(whole);
  }
  return kept.map((a) => ` ${a}`).join('');
}

/** `![alt](src)` → `![](src)`; the alt text (brackets may nest) is shown only when the image fails. */
function stripImageAlt(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const start = text.indexOf('![', from);
    if (start < 0) return out + text.slice(from);
    let depth = 1;
    let i = start + 2;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '[') depth++;
      else if (text[i] === ']') depth--;
    }
    if (depth > 0) return out + text.slice(from);
    out += `${text.slice(from, start)}![]`;
    from = i;
  }
}

function isInvisible(codePoint: number): boolean {
  return codePoint > 0x10ffff || (codePoint !== 0x09 && codePoint !== 0x0a && INVISIBLE_ONE.test(String.fromCodePoint(codePoint)));
}

function normalizeLineBreaks(text: string): string {
  return text.replace(/\r\n?|[\u2028\u2029]/g, '\n');
}
