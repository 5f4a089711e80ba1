import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { HostActivities, OrchestratorActivities } from '../../activities/index.js';
import { onClaimedHost } from '../host-claim.js';
import { claimHost } from '../shared-activities.js';
import { hostActivityOptions } from '../host-options.js';
import type { PullClosedInput, PullClosedResult } from './messages.js';
import { CONFIG_INVALID, UNSAFE_BRANCH, UNSAFE_REMOTE } from '../../domain/failure-types.js';

const { workflowRunning } = proxyActivities<OrchestratorActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 5 } });

/** How long the cleanup waits for a cancelled build to stop before it deletes branches anyway. */
const BUILD_STOP_CHECKS = 200;
const BUILD_STOP_EVERY = '3s';
/** patched() id: a cleanup whose host is lost claims another host and starts over. */
export const PULL_CLOSED_HOST_CLAIM_PATCH = 'aidp-pull-closed-fresh-host';

/**
 * A feature PR was closed or merged (its build was cancelled already if it ran): once the build
 * has stopped, delete the feature's unit branches as `.github/aidp.yml` on the default branch
 * says (`cleanup.delete_unit_branches`, default `on_close`). The feature branch is the PR's and
 * stays; a config that cannot be read deletes nothing.
 */
export async function PullClosedWorkflow(input: PullClosedInput): Promise<PullClosedResult> {
  for (let i = 0; i < BUILD_STOP_CHECKS && (await workflowRunning({ workflowId: input.buildWorkflowId })); i++) await sleep(BUILD_STOP_EVERY);

  return onClaimedHost({ what: `branch cleanup of feature ${input.featureSlug}`, claim: claimHost, patchId: PULL_CLOSED_HOST_CLAIM_PATCH }, async (hostQueue) => {
    const host = proxyActivities<HostActivities>(
      hostActivityOptions(hostQueue, { startToClose: '10m', retry: { maximumAttempts: 3, nonRetryableErrorTypes: [CONFIG_INVALID, UNSAFE_REMOTE, UNSAFE_BRANCH] } }),
    );
    let policy: PullClosedResult['policy'];
    try {
      policy = (await host.loadRepoConfigAt({ remoteUrl: input.cloneUrl, branch: input.defaultBranch })).cleanup.delete_unit_branches;
    } catch (err) {
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === CONFIG_INVALID) return { deleted: [], policy: 'unreadable_config' };
      throw err;
    }
    if (policy === 'never' || (policy === 'on_merge' && !input.merged)) return { deleted: [], policy };
    const { deleted } = await host.deleteUnitBranches({ remoteUrl: input.cloneUrl, featureSlug: input.featureSlug });
    return { deleted, policy };
  });
}
