import { proxyActivities } from '@temporalio/workflow';
import type { AgentQueueActivities, OrchestratorActivities } from '../activities/index.js';
import { GITHUB_NOT_CONFIGURED } from '../domain/failure-types.js';
import { AGENT_QUEUE } from '../domain/task-queues.js';

/**
 * Activity proxies that several workflows use with the same options. A proxy only records its
 * options: each call schedules the activity in the workflow that makes it.
 */

/** A host for onClaimedHost: any free worker on the shared agent queue answers with its own queue. */
export const { claimHost } = proxyActivities<AgentQueueActivities>({ taskQueue: AGENT_QUEUE, startToCloseTimeout: '10s' });

/** GitHub calls of Plan, Review and PR work: a minute each, five attempts, none when GitHub is not configured. */
export const github = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '1m',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: [GITHUB_NOT_CONFIGURED] },
});
