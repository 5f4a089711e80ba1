import { parseCommand } from '../github/commands.js';
import { isBot } from '../github/permissions.js';
import { inlineCode } from '../github/user-text.js';
import { parsePayload, repoTarget, type EventHandler } from './context.js';
import { runCommand } from './command-runner.js';
import { issueCommentPayload } from './payloads.js';
import { refuse } from './replies.js';

/** `issue_comment.created`: `/aidp` commands on issues and pull requests. */
export const onIssueComment: EventHandler = async (ctx, deps) => {
  const payload = parsePayload(issueCommentPayload, ctx);
  if (!payload) return 'invalid';
  // Bots, this app's own comments among them, never command aidp.
  if (isBot(payload.sender) || isBot(payload.comment.user)) return 'ignored';
  const command = parseCommand(payload.comment.body ?? '');
  if (!command) return 'ignored';

  const target = repoTarget(payload);
  const login = payload.sender.login;
  const thread = { owner: target.owner, repo: target.repo, number: payload.issue.number };
  if (!(await deps.permissions.canWrite(ctx.octokit, target.owner, target.repo, login))) {
    const what = command.kind === 'unknown' || command.kind === 'help' ? 'use aidp commands' : `run ${inlineCode(`/aidp ${command.kind}`)}`;
    await refuse(ctx, deps, thread, login, what);
    return 'refused';
  }
  return runCommand(command, {
    ctx,
    deps,
    target,
    repositoryId: payload.repository.id,
    thread,
    login,
    commentId: payload.comment.id,
    issue: payload.issue,
    isPullRequest: payload.issue.pull_request != null,
  });
};
