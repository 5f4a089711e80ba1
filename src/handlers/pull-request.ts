import { isBot } from '../github/permissions.js';
import { parsePayload, repoTarget, type EventHandler } from './context.js';
import { onFeaturePullClosed } from './feature-pull-closed.js';
import { labelRole } from '../domain/labels.js';
import { pullRequestPayload } from './payloads.js';
import { isSameRepoPull, pullTarget } from './pull-target.js';
import { comment, refuse } from './replies.js';

/**
 * `pull_request.labeled`: the review, fix-ci and request-changes labels start their
 * processors. `closed` on an aidp feature PR ends its build (feature-pull-closed.ts).
 * `synchronize` is only logged: aidp never forces the feature branch (it pushes with a lease),
 * and the workflows on a PR find out about a moved head when they next touch it.
 */
export const onPullRequest: EventHandler = async (ctx, deps) => {
  const payload = parsePayload(pullRequestPayload, ctx);
  if (!payload) return 'invalid';
  const pr = payload.pull_request;
  if (payload.action === 'closed') return onFeaturePullClosed(ctx, deps, payload);
  if (payload.action === 'synchronize') {
    ctx.log.debug({ action: payload.action, pr: pr.number, head: pr.head.sha }, 'pull request event noted; nothing to do yet');
    return 'ignored';
  }
  if (payload.action !== 'labeled' || !payload.label) return 'ignored';
  const role = labelRole(deps.labels, payload.label.name);
  if (role !== 'review' && role !== 'fixCi' && role !== 'requestChanges') return 'ignored';
  if (isBot(payload.sender)) return 'ignored';

  const target = pullTarget(repoTarget(payload), pr);
  const thread = { owner: target.owner, repo: target.repo, number: pr.number };
  const login = payload.sender.login;
  if (!(await deps.permissions.canWrite(ctx.octokit, target.owner, target.repo, login))) {
    await refuse(ctx, deps, thread, login, `start aidp with the \`${deps.labels[role]}\` label`);
    return 'refused';
  }
  if (role !== 'review' && !isSameRepoPull(pr, payload.repository.id)) {
    await comment(ctx, thread, `@${login}, aidp pushes only to branches of this repository; this pull request comes from a fork.`);
    return 'ignored';
  }

  const { processors } = deps;
  const result =
    role === 'review'
      ? await processors.startReview({ ...target, requestedBy: login })
      : role === 'fixCi'
        ? await processors.startCiFix({ ...target, requestedBy: login })
        : await processors.startChangeRequest({ ...target, requestedBy: login, instruction: '' });
  ctx.log.info({ workflowId: result.workflowId, started: result.started, by: login }, `${role} requested by label`);
  return result.started ? 'started' : 'ignored';
};
