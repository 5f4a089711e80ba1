import { isBot } from '../github/permissions.js';
import { userText } from '../github/user-text.js';
import { parsePayload, repoTarget, type EventHandler } from './context.js';
import { pullRequestReviewPayload } from './payloads.js';
import { isAidpBranch, isSameRepoPull, pullTarget } from './pull-target.js';
import { refuse } from './replies.js';

/**
 * `pull_request_review.submitted` with "changes requested", by a writer, on a pull request
 * aidp made (its head an `aidp/` branch of this repository): a ChangeRequest with the review's
 * body. Reviews of other pull requests are people talking to people, and are left alone.
 */
export const onPullRequestReview: EventHandler = async (ctx, deps) => {
  const payload = parsePayload(pullRequestReviewPayload, ctx);
  if (!payload) return 'invalid';
  const { review, pull_request: pr } = payload;
  if (review.state.toLowerCase() !== 'changes_requested') return 'ignored';
  if (isBot(payload.sender) || isBot(review.user)) return 'ignored';
  if (!isAidpBranch(pr.head.ref) || !isSameRepoPull(pr, payload.repository.id)) return 'ignored';

  const target = pullTarget(repoTarget(payload), pr);
  const login = review.user.login;
  if (!(await deps.permissions.canWrite(ctx.octokit, target.owner, target.repo, login))) {
    await refuse(ctx, deps, { owner: target.owner, repo: target.repo, number: pr.number }, login, 'ask aidp for changes');
    return 'refused';
  }
  const result = await deps.processors.startChangeRequest({ ...target, requestedBy: login, instruction: userText(review.body), reviewId: review.id });
  ctx.log.info({ workflowId: result.workflowId, started: result.started, by: login }, 'changes requested by review');
  return result.started ? 'started' : 'ignored';
};
