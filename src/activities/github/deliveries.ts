import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { DEFAULT_LABELS, type AidpLabels } from '../../domain/labels.js';
import type { DeferredDelivery, ProcessorPort } from '../../domain/processor-port.js';
import { createPermissionChecker, type PermissionChecker, type PermissionOctokit } from '../../github/permissions.js';
import type { DeliveryOutcome } from '../../metrics/metrics.js';
import { repoTriggerLabels } from './repo-labels.js';
import { GITHUB_NOT_CONFIGURED } from '../../domain/failure-types.js';

/**
 * The handler a deferred delivery runs: `runDeferredDelivery` of handlers/deferred.ts, passed
 * in by whoever builds the activities (handlers sit above activities; this is their port).
 */
export type DeliveryHandler = (
  delivery: DeferredDelivery,
  env: {
    octokit: PermissionOctokit;
    log: Logger;
    deps: { processors: ProcessorPort; permissions: PermissionChecker; labels: AidpLabels; appId?: number };
    repoLabels: () => Promise<AidpLabels>;
  },
) => Promise<DeliveryOutcome>;

const NOT_CONFIGURED = 'no GitHub App is configured (APP_ID, PRIVATE_KEY)';

/**
 * The work of a deferred delivery, on the worker: the handler the request path used to run,
 * with the installation's client. Retried as a whole: the starts it makes are idempotent
 * (workflow ids), the refusal reply is throttled by RefusalWindowWorkflow.
 */
export function createDeliveryActivities(deps: {
  octokitFor?: (installationId: number) => Promise<PermissionOctokit>;
  processors?: ProcessorPort;
  runDelivery?: DeliveryHandler;
  logger: Logger;
  labels?: Partial<AidpLabels>;
  appId?: number;
  permissions?: PermissionChecker;
}) {
  const permissions = deps.permissions ?? createPermissionChecker();
  const appLabels: AidpLabels = { ...DEFAULT_LABELS, ...deps.labels };
  return {
    async handleDelivery(delivery: DeferredDelivery): Promise<DeliveryOutcome> {
      const { octokitFor, processors, runDelivery } = deps;
      if (!octokitFor || !processors || !runDelivery) throw ApplicationFailure.nonRetryable(NOT_CONFIGURED, GITHUB_NOT_CONFIGURED);
      const octokit = await octokitFor(delivery.installationId);
      const log = deps.logger.child({ delivery: delivery.id, event: delivery.event });
      const repo = { owner: delivery.owner, repo: delivery.repo, ref: delivery.defaultBranch };
      const outcome = await runDelivery(delivery, {
        octokit,
        log,
        deps: { processors, permissions, labels: appLabels, appId: deps.appId },
        repoLabels: () => repoTriggerLabels(octokit, repo, appLabels, (problem) => log.warn({ problem }, 'repository config ignored for trigger labels')),
      });
      log.info({ outcome }, 'delivery handled');
      return outcome;
    },
  };
}
