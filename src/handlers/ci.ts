import type { DeliveryOutcome } from '../metrics/metrics.js';
import { parsePayload, repoTarget, type EventContext, type EventHandler, type HandlerDeps } from './context.js';
import { checkRunPayload, checkSuitePayload, workflowRunPayload, type LinkedPullRequest, type RepositoryPayload } from './payloads.js';
import type { CiFailure } from '../domain/processor-port.js';
import { isAidpBranch, isSameRepoPull, pullTarget } from './pull-target.js';

/** Conclusions a CI fix can help with; `cancelled`, `skipped`, `action_required` and the rest cannot. */
export const FAILED_CONCLUSIONS: readonly string[] = ['failure', 'timed_out'];

interface CompletedCheck {
  payload: { repository: RepositoryPayload; installation: { id: number } };
  headBranch: string | null;
  headSha: string;
  /** The repository the head commit is in, when the event says (workflow runs do). */
  headRepositoryId?: number;
  /** The GitHub App that made the check; this app's own checks never start a fix. */
  appId?: number;
  pullRequests: LinkedPullRequest[];
  failure: Omit<CiFailure, 'conclusion'> & { conclusion: string | null };
}

/**
 * A failed check on an `aidp/` branch starts a CI fix for each pull request from that branch
 * into this repository, at the commit that failed. Nothing for a fork, for other branches, or
 * for a pull request whose head has moved on. No person is involved, so no permission check
 * (and no GitHub request) is made. GitHub sends a suite, its runs and its workflow run for
 * one failure: they share one workflow id, so only the first starts anything.
 */
async function startCiFixes(ctx: EventContext, deps: HandlerDeps, check: CompletedCheck): Promise<DeliveryOutcome> {
  const { conclusion } = check.failure;
  if (conclusion === null || !FAILED_CONCLUSIONS.includes(conclusion)) return 'ignored';
  if (!isAidpBranch(check.headBranch)) return 'ignored';
  if (deps.appId !== undefined && check.appId === deps.appId) return 'ignored';
  const repositoryId = check.payload.repository.id;
  if (check.headRepositoryId !== undefined && check.headRepositoryId !== repositoryId) return 'ignored';
  const pulls = check.pullRequests.filter(
    (pr) => isSameRepoPull(pr, repositoryId) && pr.head.ref === check.headBranch && pr.head.sha === check.headSha,
  );
  let started = false;
  for (const pr of pulls) {
    const failure: CiFailure = { ...check.failure, conclusion };
    const result = await deps.processors.startCiFix({ ...pullTarget(repoTarget(check.payload), pr), failure });
    ctx.log.info({ workflowId: result.workflowId, started: result.started, failure }, 'CI failed on an aidp branch');
    started ||= result.started;
  }
  return started ? 'started' : 'ignored';
}

export const onCheckSuiteCompleted: EventHandler = async (ctx, deps) => {
  const payload = parsePayload(checkSuitePayload, ctx);
  if (!payload) return 'invalid';
  const suite = payload.check_suite;
  return startCiFixes(ctx, deps, {
    payload,
    headBranch: suite.head_branch,
    headSha: suite.head_sha,
    appId: suite.app?.id,
    pullRequests: suite.pull_requests,
    failure: { source: 'check_suite', id: suite.id, conclusion: suite.conclusion },
  });
};

export const onCheckRunCompleted: EventHandler = async (ctx, deps) => {
  const payload = parsePayload(checkRunPayload, ctx);
  if (!payload) return 'invalid';
  const run = payload.check_run;
  return startCiFixes(ctx, deps, {
    payload,
    headBranch: run.check_suite.head_branch,
    headSha: run.head_sha,
    appId: run.app?.id,
    pullRequests: run.pull_requests,
    failure: { source: 'check_run', id: run.id, name: run.name, conclusion: run.conclusion },
  });
};

export const onWorkflowRunCompleted: EventHandler = async (ctx, deps) => {
  const payload = parsePayload(workflowRunPayload, ctx);
  if (!payload) return 'invalid';
  const run = payload.workflow_run;
  return startCiFixes(ctx, deps, {
    payload,
    headBranch: run.head_branch,
    headSha: run.head_sha,
    headRepositoryId: run.head_repository?.id,
    pullRequests: run.pull_requests,
    failure: { source: 'workflow_run', id: run.id, conclusion: run.conclusion, ...(run.name ? { name: run.name } : {}) },
  });
};
