import { WorkflowNotFoundError } from '@temporalio/client';
import { issueFeatureSlug } from '../github/feature-branch.js';
import { githubWorkflowId } from '../github/workflow-ids.js';
import type { BuildRequest, StartResult } from '../domain/processor-port.js';
import type { BuildProcessorWorkflow } from '../workflows/build-processor/workflow.js';
import { startOnce, type ProcessorContext } from './context.js';
import { orchestratorStart, repoTargetOf } from './start-options.js';

/** Build: `aidp-build` or `/aidp build` on an issue → BuildProcessorWorkflow, one per issue. */
export function startBuild(ctx: ProcessorContext, request: BuildRequest): Promise<StartResult> {
  const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.issueNumber, kind: 'build' });
  return startOnce(ctx, workflowId, () =>
    ctx.client.workflow.start<typeof BuildProcessorWorkflow>('BuildProcessorWorkflow', {
      ...orchestratorStart(workflowId, request, { kind: 'build', issue: request.issueNumber, requester: request.requestedBy, summary: request.title }),
      args: [
        {
          ...repoTargetOf(request),
          issueNumber: request.issueNumber,
          title: request.title,
          body: request.body,
          featureSlug: issueFeatureSlug(request.issueNumber, request.title),
          requestedBy: request.requestedBy,
          uiUrl: ctx.uiUrlOf?.(workflowId),
          decomposeCwd: '',
          statusEveryMs: ctx.statusEveryMs,
        },
      ],
    }),
  );
}

/** For reconcile: whether the issue ever had a build, running or finished. */
export async function buildExists(ctx: ProcessorContext, request: Pick<BuildRequest, 'owner' | 'repo' | 'issueNumber'>): Promise<boolean> {
  const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.issueNumber, kind: 'build' });
  try {
    await ctx.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** For reconcile: a build only when the issue never had one, running or finished. */
export async function startBuildIfNew(ctx: ProcessorContext, request: BuildRequest): Promise<StartResult> {
  if (await buildExists(ctx, request)) {
    return { workflowId: githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.issueNumber, kind: 'build' }), started: false };
  }
  return startBuild(ctx, request);
}
