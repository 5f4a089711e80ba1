import { HELP_TEXT, type AidpCommand } from '../github/commands.js';
import { issueOfFeatureBranch } from '../github/feature-branch.js';
import { inlineCode, userText } from '../github/user-text.js';
import type { DeliveryOutcome } from '../metrics/metrics.js';
import type { EventContext, HandlerDeps } from './context.js';
import type { ItemRef, MessageResult, RepoTarget, StartResult } from '../domain/processor-port.js';
import { isSameRepoPull, pullTarget } from './pull-target.js';
import { comment, fetchPullRequest, react, type Thread } from './replies.js';

/** A writer's command, with what it was written on. */
export interface CommandContext {
  ctx: EventContext;
  deps: HandlerDeps;
  target: RepoTarget;
  repositoryId: number;
  thread: Thread;
  login: string;
  commentId: number;
  issue: { number: number; title: string; body?: string | null };
  isPullRequest: boolean;
}

/** Commands that act on the feature an issue's build runs. */
const FEATURE_COMMANDS = new Set<AidpCommand['kind']>(['status', 'pause', 'resume', 'cancel', 'retry', 'concurrency']);

/** Runs a parsed command from someone with write access. */
export async function runCommand(command: AidpCommand, c: CommandContext): Promise<DeliveryOutcome> {
  const { processors } = c.deps;
  let item: ItemRef = { owner: c.target.owner, repo: c.target.repo, number: c.thread.number, isPullRequest: c.isPullRequest, installationId: c.target.installationId };
  if (c.isPullRequest && FEATURE_COMMANDS.has(command.kind)) {
    // On the feature PR a build opened, the command goes to the build of its issue.
    const issue = await issueBuiltBy(c);
    if (issue === undefined) {
      await comment(c.ctx, c.thread, `@${c.login}, ${inlineCode(`/aidp ${command.kind}`)} acts on an aidp build, and this pull request was not opened by one: send it on the issue the feature was built from.`);
      return 'ignored';
    }
    item = { ...item, number: issue, isPullRequest: false };
  }
  const by = { requestedBy: c.login };
  switch (command.kind) {
    case 'help':
      await comment(c.ctx, c.thread, HELP_TEXT);
      return 'ignored';
    case 'unknown':
      await comment(c.ctx, c.thread, `@${c.login}, I don't know ${inlineCode(command.text)}${command.problem ? `: ${command.problem}` : ''}.\n\n${HELP_TEXT}`);
      return 'ignored';
    case 'status': {
      const table = await processors.status(item);
      await comment(c.ctx, c.thread, table ?? `No aidp run on this ${c.isPullRequest ? 'pull request' : 'issue'} yet.`);
      return 'ignored';
    }
    case 'pause':
    case 'resume':
    case 'cancel':
      return answerMessage(c, command.kind, await processors.signalFeature({ ...item, ...by, signal: command.kind }));
    case 'retry':
      return answerMessage(c, 'retry', await processors.retry({ ...item, ...by, units: command.units }));
    case 'concurrency':
      return answerMessage(c, 'concurrency', await processors.setConcurrency({ ...item, ...by, concurrency: command.concurrency }));
    case 'plan':
    case 'build':
      return startOnIssue(c, command.kind);
    case 'review':
    case 'fix-ci':
      return startOnPullRequest(c, command.kind, '');
    case 'change':
      return startOnPullRequest(c, command.kind, command.instruction);
    default:
      return unreachable(command);
  }
}

/** The issue whose build opened this pull request, from its head branch; never a fork's. */
async function issueBuiltBy(c: CommandContext): Promise<number | undefined> {
  const pr = await fetchPullRequest(c.ctx, c.thread);
  return isSameRepoPull(pr, c.repositoryId) ? issueOfFeatureBranch(pr.head.ref) : undefined;
}

async function startOnIssue(c: CommandContext, kind: 'plan' | 'build'): Promise<DeliveryOutcome> {
  if (c.isPullRequest) {
    await comment(c.ctx, c.thread, `@${c.login}, ${inlineCode(`/aidp ${kind}`)} works on issues, not on pull requests.`);
    return 'ignored';
  }
  const request = { ...c.target, issueNumber: c.issue.number, title: userText(c.issue.title), body: userText(c.issue.body), requestedBy: c.login };
  const result = kind === 'build' ? await c.deps.processors.startBuild(request) : await c.deps.processors.startPlan(request);
  return answerStart(c, kind, result);
}

async function startOnPullRequest(c: CommandContext, kind: 'review' | 'fix-ci' | 'change', instruction: string): Promise<DeliveryOutcome> {
  if (!c.isPullRequest) {
    await comment(c.ctx, c.thread, `@${c.login}, ${inlineCode(`/aidp ${kind}`)} works on pull requests, not on issues.`);
    return 'ignored';
  }
  const pr = await fetchPullRequest(c.ctx, c.thread);
  const target = pullTarget(c.target, pr);
  if (kind !== 'review' && !isSameRepoPull(pr, c.repositoryId)) {
    await comment(c.ctx, c.thread, `@${c.login}, aidp pushes only to branches of this repository; this pull request comes from a fork.`);
    return 'ignored';
  }
  const { processors } = c.deps;
  const result =
    kind === 'review'
      ? await processors.startReview({ ...target, requestedBy: c.login })
      : kind === 'fix-ci'
        ? await processors.startCiFix({ ...target, requestedBy: c.login })
        : await processors.startChangeRequest({ ...target, requestedBy: c.login, instruction: userText(instruction) });
  return answerStart(c, kind, result);
}

/** A rocket when a workflow started, a thumbs-up when the same work was already running. */
async function answerStart(c: CommandContext, kind: string, result: StartResult): Promise<DeliveryOutcome> {
  await react(c.ctx, c.thread, c.commentId, result.started ? 'rocket' : '+1');
  c.ctx.log.info({ workflowId: result.workflowId, started: result.started, by: c.login }, `${kind} requested by command`);
  return result.started ? 'started' : 'ignored';
}

async function answerMessage(c: CommandContext, kind: string, result: MessageResult): Promise<DeliveryOutcome> {
  if (!result.delivered) {
    await comment(c.ctx, c.thread, `@${c.login}, ${inlineCode(`/aidp ${kind}`)} changed nothing: ${result.reason}`);
    return 'ignored';
  }
  await react(c.ctx, c.thread, c.commentId, '+1');
  c.ctx.log.info({ workflowId: result.workflowId, by: c.login }, `${kind} delivered`);
  return 'signalled';
}

function unreachable(value: never): never {
  throw new Error(`unhandled command ${JSON.stringify(value)}`);
}
