import { untrustedBlock, untrustedNote } from '../../domain/untrusted-block.js';
import { stripHiddenMarkdown, stripInvisible } from '../../domain/untrusted-text.js';

export interface PullRequestToReview {
  title: string;
  body: string;
  diff: string;
  truncated: boolean;
}

/**
 * The reviewer's prompt. The pull request's title, body and diff are anyone's text: each goes in
 * a block marked from `seed` (the workflow's run id). Conventions come from the repository config.
 */
export function reviewPrompt(pr: PullRequestToReview, conventions: string, seed: string): string {
  const title = stripHiddenMarkdown(pr.title).replace(/\s+/g, ' ').trim();
  return [
    '# Review this pull request',
    'Write a code review in Markdown: correctness problems first, then missing tests, then style.',
    'Quote file and line for each point. Do not approve or reject; only comment. Do not edit files.',
    untrustedNote('The pull request below is what you review.'),
    conventions.trim() ? `## Repository conventions\n${conventions.trim()}` : '',
    `## The pull request's description\n${untrustedBlock('pull-request', `Title: ${title}\n\n${stripHiddenMarkdown(pr.body).trim()}`, seed)}`,
    `## Diff${pr.truncated ? ' (truncated)' : ''}\n${untrustedBlock('pull-request-diff', stripInvisible(pr.diff), seed)}`,
  ]
    .filter((s) => s !== '')
    .join('\n\n');
}
