import type { Client } from '@temporalio/client';
import type { BuildRequest, DeliveryQueue, ProcessorPort, StartResult } from '../domain/processor-port.js';
import type { AidpMetrics } from '../metrics/metrics.js';
import { buildExists, startBuild, startBuildIfNew } from './build.js';
import { acceptDelivery } from './delivery.js';
import { startChangeRequest } from './change-request.js';
import { startCiFix } from './ci-fix.js';
import type { ProcessorContext } from './context.js';
import { featureStatusTable, retryUnitsOf, setConcurrency, signalFeature } from './feature-commands.js';
import { startPlan } from './plan.js';
import { featurePullClosed } from './pull-closed.js';
import { claimRefusalReply } from './refusal.js';
import { startReview } from './review.js';

/** `ci_fix.max_attempts` can be at most this (see the repo config schema). */
const MAX_CI_FIX_ATTEMPTS = 20;

export interface TemporalProcessors extends ProcessorPort, DeliveryQueue {
  /** For reconcile: starts a build only when the issue never had one (running or finished). */
  startBuildIfNew(request: BuildRequest): Promise<StartResult>;
  /** For reconcile: whether the issue ever had a build, running or finished. */
  buildExists(request: Pick<BuildRequest, 'owner' | 'repo' | 'issueNumber'>): Promise<boolean>;
}

/**
 * The handlers' processor port on Temporal, one processor per file: each start is a workflow
 * whose id comes from the repository, the issue or PR number and the kind, so a redelivered
 * webhook or a second label finds the running workflow instead of starting another.
 */
export function createTemporalProcessors(deps: {
  client: Client;
  uiUrlOf?: (workflowId: string) => string | undefined;
  /** How often, at most, a build's status comment is edited (default 30 s). */
  statusEveryMs?: number;
  /** Counts the workflows started (`aidp_workflows_started_total`). */
  metrics?: Pick<AidpMetrics, 'workflowsStarted'>;
  /** A ceiling on CI fix runs per failing head commit; the repo's `ci_fix.max_attempts` applies below it. */
  ciFixAttempts?: number;
}): TemporalProcessors {
  const ctx: ProcessorContext = {
    client: deps.client,
    uiUrlOf: deps.uiUrlOf,
    statusEveryMs: deps.statusEveryMs ?? 30_000,
    ciFixAttempts: deps.ciFixAttempts ?? MAX_CI_FIX_ATTEMPTS,
    metrics: deps.metrics,
  };
  return {
    startBuild: (request) => startBuild(ctx, request),
    startBuildIfNew: (request) => startBuildIfNew(ctx, request),
    buildExists: (request) => buildExists(ctx, request),
    startPlan: (request) => startPlan(ctx, request),
    startReview: (request) => startReview(ctx, request),
    startCiFix: (request) => startCiFix(ctx, request),
    startChangeRequest: (request) => startChangeRequest(ctx, request),
    signalFeature: (request) => signalFeature(ctx, request),
    retry: (request) => retryUnitsOf(ctx, request),
    setConcurrency: (request) => setConcurrency(ctx, request),
    featurePullClosed: (request) => featurePullClosed(ctx, request),
    status: (item) => featureStatusTable(ctx, item),
    claimRefusalReply: (claim) => claimRefusalReply(ctx, claim),
    acceptDelivery: (delivery) => acceptDelivery(ctx, delivery),
  };
}
