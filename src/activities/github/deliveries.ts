import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { createPermissionChecker, type PermissionChecker, type PermissionOctokit } from '../../github/permissions.js';
import { repoTriggerLabels } from '../../github/repo-labels.js';
import { runDeferredDelivery, type DeferredDelivery } from '../../handlers/deferred.js';
import { DEFAULT_LABELS, type AidpLabels } from '../../handlers/labels.js';
import type { ProcessorPort } from '../../handlers/processor-port.js';
import type { DeliveryOutcome } from '../../metrics/metrics.js';

const NOT_CONFIGURED = 'no GitHub App is configured (APP_ID, PRIVATE_KEY)';

/**
 * The work of a deferred delivery, on the worker: the handler the request path used to run,
 * with the installation's client. Retried as a whole: the starts it makes are idempotent
 * (workflow ids), the refusal reply is throttled by RefusalWindowWorkflow.
 */
export function createDeliveryActivities(deps: {
  octokitFor?: (installationId: number) => Promise<PermissionOctokit>;
  processors?: ProcessorPort;
  logger: Logger;
  labels?: Partial<AidpLabels>;
  appId?: number;
  permissions?: PermissionChecker;
}) {
  const permissions = deps.permissions ?? createPermissionChecker();
  const appLabels: AidpLabels = { ...DEFAULT_LABELS, ...deps.labels };
  return {
    async handleDelivery(delivery: DeferredDelivery): Promise<DeliveryOutcome> {
      const { octokitFor, processors } = deps;
      if (!octokitFor || !processors) throw ApplicationFailure.nonRetryable(NOT_CONFIGURED, 'GitHubNotConfigured');
      const octokit = await octokitFor(delivery.installationId);
      const log = deps.logger.child({ delivery: delivery.id, event: delivery.event });
      const repo = { owner: delivery.owner, repo: delivery.repo, ref: delivery.defaultBranch };
      const outcome = await runDeferredDelivery(delivery, {
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
