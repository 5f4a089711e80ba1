/** Format characters (zero-width, bidi controls, tags), variation selectors, and C0/C1 controls but tab and newline. */
const INVISIBLE = /[\p{Cf}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]|(?![\t\n])\p{Cc}/gu;

/**
 * Text from an issue before it is parsed: HTML comments (hidden when GitHub renders the issue;
 * an unclosed one hides the rest) and invisible or direction-changing characters are removed,
 * so what aidp acts on is what a reviewer saw.
 */
export function sanitizeUserText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(INVISIBLE, '');
}
