import { stripHiddenMarkdown } from './untrusted-text.js';

/**
 * Text from an issue before it is parsed: what a reviewer saw when GitHub rendered it, with
 * every hidden part (HTML comments, link definitions and titles, alt text, invisible or
 * direction-changing characters…) removed. See `stripHiddenMarkdown`.
 */
export function sanitizeUserText(text: string): string {
  return stripHiddenMarkdown(text);
}
