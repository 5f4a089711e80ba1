import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { HostActivities } from '../../activities/index.js';
import { featureSettings } from '../feature-settings.js';
import { agentNetwork } from '../../sandbox/network-settings.js';
import { onClaimedHost } from '../host-claim.js';
import { claimHost, github } from '../shared-activities.js';
import { hostActivityOptions } from '../host-options.js';
import { reviewPrompt } from './review-prompt.js';
import { AGENT_CONFIG_INVALID, AGENT_FAILED, CONFIG_INVALID } from '../../domain/failure-types.js';
import type { RepoTarget } from '../../domain/processor-port.js';

export interface ReviewInput extends RepoTarget {
  prNumber: number;
  /** Where the reviewer runs on its host; empty: a scratch directory (it reads the diff from its prompt). */
  agentCwd: string;
}


/** patched() id: a review whose host is lost claims another host and starts over. */
export const REVIEW_HOST_CLAIM_PATCH = 'aidp-review-fresh-host';

/** `aidp-review`, `/aidp review`: an agent reads the diff and aidp posts its one review (never an approval). */
export async function ReviewWorkflow(input: ReviewInput): Promise<{ reviewId: number }> {
  const target = { installationId: input.installationId, owner: input.owner, repo: input.repo };
  // The config, the pull request and the agent's review, all again on a new host if this one is lost.
  const review = await onClaimedHost({ what: `review of pull request #${input.prNumber}`, claim: claimHost, patchId: REVIEW_HOST_CLAIM_PATCH }, async (hostQueue) => {
    const host = proxyActivities<HostActivities>(
      hostActivityOptions(hostQueue, { startToClose: '1h', retry: { maximumAttempts: 2, nonRetryableErrorTypes: [CONFIG_INVALID, AGENT_FAILED, AGENT_CONFIG_INVALID] } }),
    );
    const config = await host.loadRepoConfigAt({ remoteUrl: input.cloneUrl, branch: input.defaultBranch });
    const settings = featureSettings(config);
    const pr = await github.pullRequestForReview({ ...target, prNumber: input.prNumber });
    return host.askAgentForText({
      prompt: reviewPrompt(pr, settings.conventions, workflowInfo().runId),
      cwd: input.agentCwd,
      providers: settings.providers,
      timeoutMs: settings.agentTimeoutMs,
      network: agentNetwork(settings.network, settings.providers),
    });
  });
  const posted = await github.postReview({ ...target, prNumber: input.prNumber, body: `${review.trim()}\n\n— reviewed by aidp` });
  return { reviewId: posted.id };
}
