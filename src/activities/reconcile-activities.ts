import { ApplicationFailure } from '@temporalio/common';
import { userText } from '../github/user-text.js';
import type { BuildRequest, CiFixRequest, StartResult } from '../handlers/processor-port.js';
import { findFailedAidpPullRequests, findLabelledIssues, type ReconcileGitHub } from './github/reconcile-targets.js';

/**
 * One reconcile pass: find what a missed webhook would have started and start it through the
 * same processors the webhooks use. A build that exists, running or finished, is left alone.
 */
export function createReconcileActivities(deps: {
  github?: ReconcileGitHub;
  startBuildIfNew?: (request: BuildRequest) => Promise<StartResult>;
  /** Starts a CI fix unless that commit already had its attempts (the processor counts them). */
  startCiFix?: (request: CiFixRequest) => Promise<StartResult>;
}) {
  return {
    async reconcileBuilds(input: { buildLabel: string }): Promise<{ checked: number; started: string[] }> {
      if (!deps.github || !deps.startBuildIfNew) {
        throw ApplicationFailure.nonRetryable('no GitHub App is configured (APP_ID, PRIVATE_KEY)', 'GitHubNotConfigured');
      }
      const targets = await findLabelledIssues(deps.github, input.buildLabel);
      const started: string[] = [];
      for (const target of targets) {
        const result = await deps.startBuildIfNew({ ...target, title: userText(target.title), body: userText(target.body) });
        if (result.started) started.push(result.workflowId);
      }
      return { checked: targets.length, started };
    },

    async reconcileCiFailures(): Promise<{ checked: number; started: string[] }> {
      if (!deps.github || !deps.startCiFix) {
        throw ApplicationFailure.nonRetryable('no GitHub App is configured (APP_ID, PRIVATE_KEY)', 'GitHubNotConfigured');
      }
      const failures = await findFailedAidpPullRequests(deps.github);
      const started: string[] = [];
      for (const failure of failures) {
        const result = await deps.startCiFix(failure);
        if (result.started) started.push(result.workflowId);
      }
      return { checked: failures.length, started };
    },
  };
}
