import type { EventContext, HandlerDeps } from './context.js';
import { pullRequest, type PullRequestPayload } from './payloads.js';

/** The quick GitHub calls a handler may make: a comment, a reaction, one pull request read. */

export interface Thread {
  owner: string;
  repo: string;
  /** Issue or pull request number. */
  number: number;
}

export async function comment(ctx: EventContext, thread: Thread, body: string): Promise<void> {
  await ctx.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: thread.owner,
    repo: thread.repo,
    issue_number: thread.number,
    body,
  });
}

export type Reaction = '+1' | 'rocket';

export async function react(ctx: EventContext, thread: Thread, commentId: number, content: Reaction): Promise<void> {
  await ctx.octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
    owner: thread.owner,
    repo: thread.repo,
    comment_id: commentId,
    content,
  });
}

/** One polite reply to someone without write access, at most once per person and issue in ten minutes. */
export async function refuse(ctx: EventContext, deps: Pick<HandlerDeps, 'processors'>, thread: Thread, login: string, what: string): Promise<void> {
  if (!(await deps.processors.claimRefusalReply({ ...thread, login }))) {
    ctx.log.debug({ delivery: ctx.id, by: login, number: thread.number }, 'refusal reply skipped: already sent in the last ten minutes');
    return;
  }
  await comment(ctx, thread, `@${login}, only people with write access to this repository can ${what}.`);
}

export async function fetchPullRequest(ctx: EventContext, thread: Thread): Promise<PullRequestPayload> {
  const { data } = await ctx.octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner: thread.owner,
    repo: thread.repo,
    pull_number: thread.number,
  });
  return pullRequest.parse(data);
}
