import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { userText } from '../github/user-text.js';
import type { BuildRequest, CiFixRequest, StartResult } from '../domain/processor-port.js';
import { noteRefusalOnce } from './github/reconcile-refusal.js';
import { findFailedAidpPullRequests, findLabelledIssues, type ReconcileGitHub } from './github/reconcile-targets.js';
import { GITHUB_NOT_CONFIGURED } from '../domain/failure-types.js';

const NOT_CONFIGURED = 'no GitHub App is configured (APP_ID, PRIVATE_KEY)';

/**
 * One reconcile pass: find what a missed webhook would have started and start it through the
 * same processors the webhooks use. A build that exists, running or finished, is left alone.
 * An issue is built as the writer who labelled it saw it: changed since by someone without
 * write access, it is refused with a note on the issue instead.
 */
export function createReconcileActivities(deps: {
  github?: ReconcileGitHub;
  /** This GitHub App's id: tells its own refusal notes from other comments. */
  appId?: number;
  startBuildIfNew?: (request: BuildRequest) => Promise<StartResult>;
  buildExists?: (request: Pick<BuildRequest, 'owner' | 'repo' | 'issueNumber'>) => Promise<boolean>;
  /** Starts a CI fix unless that commit already had its attempts (the processor counts them). */
  startCiFix?: (request: CiFixRequest) => Promise<StartResult>;
}) {
  return {
    async reconcileBuilds(input: { buildLabel: string }): Promise<{ checked: number; started: string[]; refused: number }> {
      const { github, startBuildIfNew, buildExists } = deps;
      if (!github || !startBuildIfNew || !buildExists) throw ApplicationFailure.nonRetryable(NOT_CONFIGURED, GITHUB_NOT_CONFIGURED);
      const log = Context.current().log;
      const found = await findLabelledIssues(github, input.buildLabel, { isBuilt: buildExists, appId: deps.appId });
      const started: string[] = [];
      let checked = 0;
      let refused = 0;
      for (const item of found) {
        if (item.kind === 'skip') {
          const fields = { issue: item.issue, reason: item.reason };
          if (item.retry) log.warn('reconcile leaves a labelled issue alone until the next pass', fields);
          else log.info('reconcile leaves a labelled issue alone', fields);
          continue;
        }
        checked += 1;
        const { request } = item;
        if (item.kind === 'refuse') {
          refused += 1;
          const issue = `${request.owner}/${request.repo}#${request.issueNumber}`;
          log.warn('reconcile refuses to build an issue changed after its label by someone without write access', { issue, labelledBy: request.requestedBy, changedBy: item.editors });
          await noteRefusalOnce(await github.installation(request.installationId), { ...item, label: input.buildLabel }, deps.appId);
          continue;
        }
        const result = await startBuildIfNew({ ...request, title: userText(request.title), body: userText(request.body) });
        if (result.started) started.push(result.workflowId);
      }
      return { checked, started, refused };
    },

    async reconcileCiFailures(): Promise<{ checked: number; started: string[] }> {
      if (!deps.github || !deps.startCiFix) throw ApplicationFailure.nonRetryable(NOT_CONFIGURED, GITHUB_NOT_CONFIGURED);
      const log = Context.current().log;
      const failures = await findFailedAidpPullRequests(deps.github, {
        skipped: (repository, reason) => log.warn('reconcile leaves a repository alone', { repository, reason }),
      });
      const started: string[] = [];
      for (const failure of failures) {
        const result = await deps.startCiFix(failure);
        if (result.started) started.push(result.workflowId);
      }
      return { checked: failures.length, started };
    },
  };
}
