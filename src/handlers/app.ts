import type { ApplicationFunction, Probot } from 'probot';
import { GITHUB_COM, type GitHubHost } from '../github/github-host.js';
import type { PermissionChecker } from '../github/permissions.js';
import type { AidpMetrics } from '../metrics/metrics.js';
import { onCheckRunRetry } from './check-run-retry.js';
import { onCheckRunCompleted, onCheckSuiteCompleted, onWorkflowRunCompleted } from './ci.js';
import type { EventContext, EventHandler, HandlerDeps } from './context.js';
import { admitDelivery } from './deferred.js';
import { onInstallation } from './installation.js';
import { onIssueComment } from './issue-comment.js';
import { onIssueLabeled } from './issues.js';
import { DEFAULT_LABELS, type AidpLabels } from '../domain/labels.js';
import type { DeliveryQueue, ProcessorPort } from '../domain/processor-port.js';
import { onPullRequestReview } from './pull-request-review.js';
import { onPullRequest } from './pull-request.js';
import { repositoryOriginRefusal } from './repository-origin.js';

export interface AppDeps {
  processors: ProcessorPort;
  permissions: PermissionChecker;
  /**
   * Where deliveries that need GitHub (labels, commands, reviews) go: a DeliveryWorkflow per
   * delivery id, so the request waits for one Temporal start and never for GitHub. Without it
   * (embedding, handler tests) their handlers run on the request path.
   */
  deliveries?: DeliveryQueue;
  /** App-wide trigger labels; each one defaults to its `aidp-*` name. */
  labels?: Partial<AidpLabels>;
  /** This GitHub App's id: check suites and runs it created never start a CI fix. */
  appId?: number;
  /** The GitHub aidp serves (GHE_HOST): a delivery whose repository URLs are elsewhere is refused. Default github.com. */
  github?: GitHubHost;
  /** Counts each delivery by event and outcome (`aidp_deliveries_total`). */
  metrics?: Pick<AidpMetrics, 'deliveries'>;
}

/** Event name (with action) → handler. Probot checks signatures and JSON before any of these runs. */
const ROUTES: [string, EventHandler][] = [
  ['issues.labeled', onIssueLabeled],
  ['issue_comment.created', onIssueComment],
  ['pull_request.labeled', onPullRequest],
  ['pull_request.closed', onPullRequest],
  ['pull_request.synchronize', onPullRequest],
  ['pull_request_review.submitted', onPullRequestReview],
  ['check_suite.completed', onCheckSuiteCompleted],
  ['check_run.completed', onCheckRunCompleted],
  ['check_run.rerequested', onCheckRunRetry],
  ['check_run.requested_action', onCheckRunRetry],
  ['check_suite.rerequested', onCheckRunRetry],
  ['workflow_run.completed', onWorkflowRunCompleted],
  ['installation', onInstallation],
  ['installation_repositories', onInstallation],
];

/**
 * The Probot app: webhook events in, processor calls out. Handlers only decide; git, agents
 * and long GitHub work happen in workflows behind `deps.processors`. With `deps.deliveries`,
 * a label, command or review is acknowledged after one Temporal start: its permission check,
 * labels and replies run in the DeliveryWorkflow (see deferred.ts). A delivery whose repository
 * URLs are not on `deps.github` is refused before any handler reads it. A malformed payload is
 * logged and ignored; an error from GitHub or the processors is logged and answered with a
 * 500, so the delivery shows as failed on GitHub and the reconcile pass picks the work up.
 */
export function createApp(deps: AppDeps): ApplicationFunction {
  const handlerDeps: HandlerDeps = {
    processors: deps.processors,
    permissions: deps.permissions,
    labels: { ...DEFAULT_LABELS, ...deps.labels },
    appId: deps.appId,
  };
  const github = deps.github ?? GITHUB_COM;
  const { deliveries } = deps;
  const handle = async (event: string, handler: EventHandler, ctx: EventContext) => {
    const admitted = deliveries ? admitDelivery(event, ctx, deps.appId) : undefined;
    if (admitted === undefined || !deliveries) return handler(ctx, handlerDeps);
    if (typeof admitted === 'string') return admitted;
    const result = await deliveries.acceptDelivery(admitted);
    ctx.log.info({ event, delivery: ctx.id, workflowId: result.workflowId, started: result.started }, result.started ? 'delivery queued' : 'delivery seen before: nothing new started');
    return result.started ? 'queued' : 'ignored';
  };
  return (app: Probot) => {
    for (const [event, handler] of ROUTES) {
      // Probot's `on` is typed per event name; every handler validates its own payload.
      app.on(event as 'issues', async (context) => {
        const ctx: EventContext = context;
        try {
          const refusal = repositoryOriginRefusal(ctx.payload, github);
          if (refusal) ctx.log.warn({ event: ctx.name, delivery: ctx.id, reason: refusal }, 'webhook refused: repository not on the configured GitHub');
          const outcome = refusal ? 'invalid' : await handle(event, handler, ctx);
          deps.metrics?.deliveries.inc({ event: ctx.name, outcome });
          ctx.log.debug({ event: ctx.name, delivery: ctx.id, outcome }, 'delivery handled');
        } catch (error) {
          ctx.log.error({ err: error, event: ctx.name, delivery: ctx.id }, 'delivery failed');
          throw error;
        }
      });
    }
  };
}
