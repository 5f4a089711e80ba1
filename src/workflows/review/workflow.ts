import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AgentQueueActivities, HostActivities, OrchestratorActivities } from '../../activities/index.js';
import { featureSettings } from '../feature-settings.js';
import { agentNetwork } from '../../sandbox/network-settings.js';
import { AGENT_QUEUE } from '../../domain/task-queues.js';
import { reviewPrompt } from './review-prompt.js';
import { AGENT_CONFIG_INVALID, AGENT_FAILED, CONFIG_INVALID, GITHUB_NOT_CONFIGURED } from '../../domain/failure-types.js';

export interface ReviewInput {
  owner: string;
  repo: string;
  installationId: number;
  cloneUrl: string;
  defaultBranch: string;
  prNumber: number;
  /** Where the reviewer runs on its host; empty: a scratch directory (it reads the diff from its prompt). */
  agentCwd: string;
}

const { claimHost } = proxyActivities<AgentQueueActivities>({ taskQueue: AGENT_QUEUE, startToCloseTimeout: '10s' });
const github = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '1m',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: [GITHUB_NOT_CONFIGURED] },
});

/** `aidp-review`, `/aidp review`: an agent reads the diff and aidp posts its one review (never an approval). */
export async function ReviewWorkflow(input: ReviewInput): Promise<{ reviewId: number }> {
  const target = { installationId: input.installationId, owner: input.owner, repo: input.repo };
  const host = proxyActivities<HostActivities>({
    taskQueue: await claimHost(),
    scheduleToStartTimeout: '60s',
    heartbeatTimeout: '10s',
    startToCloseTimeout: '1h',
    retry: { maximumAttempts: 2, nonRetryableErrorTypes: [CONFIG_INVALID, AGENT_FAILED, AGENT_CONFIG_INVALID] },
  });
  const config = await host.loadRepoConfigAt({ remoteUrl: input.cloneUrl, branch: input.defaultBranch });
  const settings = featureSettings(config);
  const pr = await github.pullRequestForReview({ ...target, prNumber: input.prNumber });
  const review = await host.askAgentForText({
    prompt: reviewPrompt(pr, settings.conventions, workflowInfo().runId),
    cwd: input.agentCwd,
    providers: settings.providers,
    timeoutMs: settings.agentTimeoutMs,
    network: agentNetwork(settings.network, settings.providers),
  });
  const posted = await github.postReview({ ...target, prNumber: input.prNumber, body: `${review.trim()}\n\n— reviewed by aidp` });
  return { reviewId: posted.id };
}
