import { parseCommand } from '../github/commands.js';
import { admitCheckRunRetry, admitCheckSuiteRetry, onCheckRunRetry } from './check-run-retry.js';
import { isBot, type PermissionOctokit } from '../github/permissions.js';
import type { DeferredDelivery } from '../domain/processor-port.js';
import type { DeliveryOutcome } from '../metrics/metrics.js';
import { parsePayload, type EventContext, type EventHandler, type HandlerDeps } from './context.js';
import { onIssueComment } from './issue-comment.js';
import { onIssueLabeled } from './issues.js';
import { issueCommentPayload, issueLabeledPayload, pullRequestPayload, pullRequestReviewPayload, type RepositoryPayload } from './payloads.js';
import { onPullRequestReview } from './pull-request-review.js';
import { onPullRequest } from './pull-request.js';
import { isAidpBranch, isSameRepoPull } from './pull-target.js';

/** Whether a delivery is worth a workflow: its parsed payload, or what the request path did instead. */
type Admission = (ctx: EventContext, appId: number | undefined) => { payload: { repository: RepositoryPayload; installation: { id: number } } } | DeliveryOutcome;

interface DeferredRoute {
  admit: Admission;
  work: EventHandler;
  /** Label events: the repository's `.github/aidp.yml` labels decide whether the label is a trigger. */
  readsLabels: boolean;
}

function parsed<T>(value: T | undefined): { payload: T } | 'invalid' {
  return value === undefined ? 'invalid' : { payload: value };
}

/**
 * Any label a person adds may be a trigger in that repository's config, so every one is
 * admitted; the workflow ends quietly when it is not.
 */
/** A build check run's "Re-run" or "Retry failed units": the sender's permission is checked off the request path. */
const checkRunRetryRoute: DeferredRoute = {
  readsLabels: false,
  work: onCheckRunRetry,
  admit: (ctx, appId) => {
    const admitted = admitCheckRunRetry(ctx, appId);
    return typeof admitted === 'string' ? admitted : { payload: admitted.payload };
  },
};

export const DEFERRED_ROUTES: Record<string, DeferredRoute> = {
  'check_run.rerequested': checkRunRetryRoute,
  'check_run.requested_action': checkRunRetryRoute,
  'check_suite.rerequested': {
    readsLabels: false,
    work: onCheckRunRetry,
    admit: (ctx, appId) => {
      const admitted = admitCheckSuiteRetry(ctx, appId);
      return typeof admitted === 'string' ? admitted : { payload: admitted.payload };
    },
  },
  'issues.labeled': {
    readsLabels: true,
    work: onIssueLabeled,
    admit: (ctx) => {
      const payload = parsePayload(issueLabeledPayload, ctx);
      if (payload && isBot(payload.sender)) return 'ignored';
      return parsed(payload);
    },
  },
  'pull_request.labeled': {
    readsLabels: true,
    work: onPullRequest,
    admit: (ctx) => {
      const payload = parsePayload(pullRequestPayload, ctx);
      if (payload && (payload.action !== 'labeled' || !payload.label || isBot(payload.sender))) return 'ignored';
      return parsed(payload);
    },
  },
  'issue_comment.created': {
    readsLabels: false,
    work: onIssueComment,
    admit: (ctx) => {
      const payload = parsePayload(issueCommentPayload, ctx);
      if (payload && (isBot(payload.sender) || isBot(payload.comment.user) || !parseCommand(payload.comment.body ?? ''))) return 'ignored';
      return parsed(payload);
    },
  },
  'pull_request_review.submitted': {
    readsLabels: false,
    work: onPullRequestReview,
    admit: (ctx) => {
      const payload = parsePayload(pullRequestReviewPayload, ctx);
      if (!payload) return 'invalid';
      const { review, pull_request: pr } = payload;
      if (review.state.toLowerCase() !== 'changes_requested' || isBot(payload.sender) || isBot(review.user)) return 'ignored';
      if (!isAidpBranch(pr.head.ref) || !isSameRepoPull(pr, payload.repository.id)) return 'ignored';
      return { payload };
    },
  },
};

/** The delivery to queue, or what the request path did with it (ignored, invalid); undefined for a route that is not deferred. */
export function admitDelivery(event: string, ctx: EventContext, appId?: number): DeferredDelivery | DeliveryOutcome | undefined {
  const route = DEFERRED_ROUTES[event];
  if (!route) return undefined;
  const admitted = route.admit(ctx, appId);
  if (typeof admitted === 'string') return admitted;
  const { repository, installation } = admitted.payload;
  return {
    id: ctx.id,
    event,
    owner: repository.owner.login,
    repo: repository.name,
    installationId: installation.id,
    defaultBranch: repository.default_branch,
    payload: admitted.payload,
  };
}

/** What the worker gives a deferred delivery's handler. */
export interface DeliveryWorkEnv {
  octokit: PermissionOctokit;
  log: EventContext['log'];
  deps: HandlerDeps;
  /** The repository's trigger labels (its `.github/aidp.yml` over the app-wide ones). */
  repoLabels: () => Promise<HandlerDeps['labels']>;
}

/** Runs a deferred delivery's handler, as the request path used to: permission check, replies, start or signal. */
export async function runDeferredDelivery(delivery: DeferredDelivery, env: DeliveryWorkEnv): Promise<DeliveryOutcome> {
  const route = DEFERRED_ROUTES[delivery.event];
  if (!route) return 'invalid';
  const labels = route.readsLabels ? await env.repoLabels() : env.deps.labels;
  const ctx: EventContext = { name: delivery.event.split('.')[0] ?? delivery.event, id: delivery.id, payload: delivery.payload, octokit: env.octokit, log: env.log };
  return route.work(ctx, { ...env.deps, labels });
}
