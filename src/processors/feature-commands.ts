import { WorkflowNotFoundError } from '@temporalio/client';
import { featureIdOf, githubWorkflowId } from '../github/workflow-ids.js';
import type { FeatureSignal, ItemRef, MessageResult } from '../domain/processor-port.js';
import { orchestrationStatusQuery } from '../domain/feature-status.js';
import { statusMarkdown } from '../domain/summary/status-markdown.js';
import { innermostMessage } from '../domain/innermost-message.js';
import {
  adjustConcurrencyUpdate,
  cancelSignal,
  pauseSignal,
  resumeSignal,
  retryFailedUpdate,
} from '../workflows/feature-orchestration/messages.js';
import { retryFinishedBuild } from './build-retry.js';
import type { ProcessorContext } from './context.js';

/** Commands on an issue act on its build's feature; on a PR they say to use the issue. */
function featureHandle(ctx: ProcessorContext, item: ItemRef) {
  const buildId = githubWorkflowId({ owner: item.owner, repo: item.repo, number: item.number, kind: 'build' });
  return ctx.client.workflow.getHandle(featureIdOf(buildId));
}

async function message(
  ctx: ProcessorContext,
  item: ItemRef,
  act: (handle: ReturnType<typeof featureHandle>) => Promise<void>,
  /** What to do instead when the build has finished; without it, the command changes nothing. */
  whenFinished?: () => Promise<MessageResult>,
): Promise<MessageResult> {
  if (item.isPullRequest) return { delivered: false, reason: 'send this command on the issue the feature was built from' };
  const handle = featureHandle(ctx, item);
  try {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return whenFinished ? await whenFinished() : { delivered: false, reason: 'the aidp build of this issue has finished' };
    await act(handle);
    return { delivered: true, workflowId: handle.workflowId };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { delivered: false, reason: 'there is no aidp build on this issue yet' };
    return { delivered: false, reason: innermostMessage(err) };
  }
}

export function signalFeature(ctx: ProcessorContext, request: ItemRef & { signal: FeatureSignal }): Promise<MessageResult> {
  const signal = request.signal === 'pause' ? pauseSignal : request.signal === 'resume' ? resumeSignal : cancelSignal;
  return message(ctx, request, (handle) => handle.signal(signal));
}

/** In the running build, or, once it has finished, in a new run of it that keeps the merged units. */
export function retryUnitsOf(ctx: ProcessorContext, request: ItemRef & { units: string[]; requestedBy: string }): Promise<MessageResult> {
  return message(
    ctx,
    request,
    async (handle) => void (await handle.executeUpdate(retryFailedUpdate, { args: [request.units] })),
    () => retryFinishedBuild(ctx, request),
  );
}

export function setConcurrency(ctx: ProcessorContext, request: ItemRef & { concurrency: number }): Promise<MessageResult> {
  return message(ctx, request, async (handle) => void (await handle.executeUpdate(adjustConcurrencyUpdate, { args: [request.concurrency] })));
}

/** The status table of an issue's build, or undefined when it has none. */
export async function featureStatusTable(ctx: ProcessorContext, item: ItemRef): Promise<string | undefined> {
  if (item.isPullRequest) return undefined;
  const handle = featureHandle(ctx, item);
  try {
    const description = await handle.describe();
    const status = description.status.name === 'RUNNING' ? await handle.query(orchestrationStatusQuery) : await handle.result();
    return statusMarkdown(status, { uiUrl: ctx.uiUrlOf?.(handle.workflowId) });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
