import { isBot } from '../github/permissions.js';
import { userText } from '../github/user-text.js';
import { parsePayload, repoTarget, type EventHandler } from './context.js';
import { labelRole } from '../domain/labels.js';
import { issueLabeledPayload } from './payloads.js';
import { refuse } from './replies.js';

/** `issues.labeled`: the build label starts a feature build, the plan label a plan. */
export const onIssueLabeled: EventHandler = async (ctx, deps) => {
  const payload = parsePayload(issueLabeledPayload, ctx);
  if (!payload) return 'invalid';
  const role = labelRole(deps.labels, payload.label.name);
  if (role !== 'build' && role !== 'plan') return 'ignored';
  if (isBot(payload.sender)) return 'ignored';

  const target = repoTarget(payload);
  const thread = { owner: target.owner, repo: target.repo, number: payload.issue.number };
  const login = payload.sender.login;
  if (!(await deps.permissions.canWrite(ctx.octokit, target.owner, target.repo, login))) {
    await refuse(ctx, deps, thread, login, `start aidp with the \`${deps.labels[role]}\` label`);
    return 'refused';
  }

  const request = {
    ...target,
    issueNumber: payload.issue.number,
    title: userText(payload.issue.title),
    body: userText(payload.issue.body),
    requestedBy: login,
  };
  const result = role === 'build' ? await deps.processors.startBuild(request) : await deps.processors.startPlan(request);
  ctx.log.info({ workflowId: result.workflowId, started: result.started, by: login }, `${role} requested by label`);
  return result.started ? 'started' : 'ignored';
};
