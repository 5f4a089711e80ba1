import { z } from 'zod';
import { issueOfFeatureBranch } from '../github/feature-branch.js';
import { repoTarget, type EventContext, type HandlerDeps } from './context.js';
import type { DeliveryOutcome } from '../metrics/metrics.js';
import type { pullRequestPayload } from './payloads.js';
import { isSameRepoPull } from './pull-target.js';

const mergedFlag = z.object({ pull_request: z.object({ merged: z.boolean().nullish() }) });

/**
 * `pull_request.closed` on a feature PR an aidp build opened (head `aidp/issue-<n>-…/feature` in
 * this repository, never a fork's): the build ends and its unit branches go. Only GitHub's own
 * `merged` flag tells a merge from a close; closing needs write access, so no check here.
 */
export async function onFeaturePullClosed(ctx: EventContext, deps: HandlerDeps, payload: z.infer<typeof pullRequestPayload>): Promise<DeliveryOutcome> {
  const pr = payload.pull_request;
  const issueNumber = issueOfFeatureBranch(pr.head.ref);
  if (issueNumber === undefined || !isSameRepoPull(pr, payload.repository.id)) return 'ignored';
  const featureSlug = pr.head.ref.split('/')[1] ?? '';
  const merged = mergedFlag.safeParse(ctx.payload).data?.pull_request.merged === true;
  const result = await deps.processors.featurePullClosed({ ...repoTarget(payload), prNumber: pr.number, issueNumber, featureSlug, merged });
  ctx.log.info({ workflowId: result.workflowId, pr: pr.number, merged }, 'feature pull request closed: build ended, unit branches cleaned up');
  return result.started ? 'started' : 'ignored';
}
