import { z } from 'zod';
import { BUILD_CHECK_RUN_NAME, RETRY_ACTION } from '../github/check-run-names.js';
import { issueOfFeatureBranch } from '../github/feature-branch.js';
import { isBot } from '../github/permissions.js';
import { inlineCode } from '../github/user-text.js';
import { parsePayload, repoTarget, type EventHandler } from './context.js';
import { actor, repository } from './payloads.js';
import { comment, refuse } from './replies.js';

const checkRunRequest = z.object({
  action: z.enum(['rerequested', 'requested_action']),
  repository,
  installation: z.object({ id: z.number().int().positive() }),
  sender: actor,
  check_run: z.object({
    name: z.string(),
    /** The issue whose build created the run (see activities/github/build-check-run.ts). */
    external_id: z.string().nullish(),
    app: z.object({ id: z.number().int() }).nullish(),
  }),
  requested_action: z.object({ identifier: z.string() }).nullish(),
});

const checkSuiteRequest = z.object({
  action: z.literal('rerequested'),
  repository,
  installation: z.object({ id: z.number().int().positive() }),
  sender: actor,
  check_suite: z.object({
    head_branch: z.string().nullish(),
    app: z.object({ id: z.number().int() }).nullish(),
  }),
});

/** The issue of a build's `aidp` check run that this app created; undefined for any other run. */
function buildIssueOf(run: z.infer<typeof checkRunRequest>['check_run'], appId: number | undefined): number | undefined {
  if (run.name !== BUILD_CHECK_RUN_NAME || (appId !== undefined && run.app?.id !== appId)) return undefined;
  const issue = /^[1-9]\d{0,9}$/.test(run.external_id ?? '') ? Number(run.external_id) : undefined;
  return issue !== undefined && Number.isSafeInteger(issue) ? issue : undefined;
}

/**
 * Whether a check run request asks for a build's retry, decided from the payload alone (no API
 * call): the request path admits it to a DeliveryWorkflow, which checks the sender's permission.
 */
export function admitCheckRunRetry(
  ctx: Parameters<EventHandler>[0],
  appId: number | undefined,
): { payload: z.infer<typeof checkRunRequest>; issue: number } | 'invalid' | 'ignored' {
  const payload = parsePayload(checkRunRequest, ctx);
  if (!payload) return 'invalid';
  const issue = buildIssueOf(payload.check_run, appId);
  if (issue === undefined || isBot(payload.sender)) return 'ignored';
  if (payload.action === 'requested_action' && payload.requested_action?.identifier !== RETRY_ACTION.identifier) return 'ignored';
  return { payload, issue };
}

/**
 * "Re-run all checks" on this app's check suite of a build's feature branch
 * (`check_suite.rerequested`): the issue comes from the branch, `aidp/issue-<n>-…/feature`.
 */
export function admitCheckSuiteRetry(
  ctx: Parameters<EventHandler>[0],
  appId: number | undefined,
): { payload: z.infer<typeof checkSuiteRequest>; issue: number } | 'invalid' | 'ignored' {
  const payload = parsePayload(checkSuiteRequest, ctx);
  if (!payload) return 'invalid';
  const suite = payload.check_suite;
  if (isBot(payload.sender) || (appId !== undefined && suite.app?.id !== appId)) return 'ignored';
  const issue = issueOfFeatureBranch(suite.head_branch ?? '');
  return issue === undefined ? 'ignored' : { payload, issue };
}

/**
 * "Re-run" (`check_run.rerequested`) and "Retry failed units" (`check_run.requested_action`) on
 * a build's `aidp` check run: the same partial retry as `/aidp retry` on the build's issue,
 * for people with write access. A retry that cannot start is explained on the issue.
 */
export const onCheckRunRetry: EventHandler = async (ctx, deps) => {
  const admitted = ctx.name === 'check_suite' ? admitCheckSuiteRetry(ctx, deps.appId) : admitCheckRunRetry(ctx, deps.appId);
  if (typeof admitted === 'string') return admitted;
  const { payload, issue } = admitted;
  const target = repoTarget(payload);
  const thread = { owner: target.owner, repo: target.repo, number: issue };
  const login = payload.sender.login;
  if (!(await deps.permissions.canWrite(ctx.octokit, target.owner, target.repo, login))) {
    await refuse(ctx, deps, thread, login, 'retry an aidp build');
    return 'refused';
  }
  const result = await deps.processors.retry({ ...thread, isPullRequest: false, installationId: target.installationId, units: [], requestedBy: login });
  if (!result.delivered) {
    await comment(ctx, thread, `@${login}, ${inlineCode('/aidp retry')} from the check run changed nothing: ${result.reason}`);
    return 'ignored';
  }
  ctx.log.info({ workflowId: result.workflowId, by: login, action: payload.action }, 'retry requested from the check run');
  return 'signalled';
};
