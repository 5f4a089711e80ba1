import { stripHiddenMarkdown } from '../domain/untrusted-text.js';

/** GitHub caps issue and comment bodies at 65,536 characters; nothing longer is passed on. */
export const MAX_USER_TEXT = 65_536;

/**
 * Text from an issue, pull request, review or comment as aidp passes it on: what a reader saw
 * rendered (no HTML comments, link definitions or titles, alt text, invisible or
 * direction-changing characters: see `stripHiddenMarkdown`), trimmed, capped.
 */
export function userText(text: string | null | undefined): string {
  return stripHiddenMarkdown(text ?? '').trim().slice(0, MAX_USER_TEXT);
}

/** A single line of user text safe inside a Markdown code span: no backticks or line breaks, capped. */
export function inlineCode(text: string, max = 100): string {
  const flat = stripHiddenMarkdown(text).replace(/[`\n\t]/g, ' ').trim();
  return `\`${flat.length > max ? `${flat.slice(0, max)}…` : flat}\``;
}
