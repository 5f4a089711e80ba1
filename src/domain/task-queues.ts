/** Task-queue names, shared by workers, clients, workflows and tests. */
export const ORCHESTRATOR_QUEUE = 'aidp-orchestrator';
export const AGENT_QUEUE = 'aidp-agent';

export const QUEUE_KINDS = ['orchestrator', 'agent'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

export function queueName(kind: QueueKind): string {
  return kind === 'orchestrator' ? ORCHESTRATOR_QUEUE : AGENT_QUEUE;
}

/**
 * The queue of one host's worktrees: every activity touching a unit's worktree is pinned here
 * (Temporal's worker-specific task queue pattern). Stable per host and work dir, so a worker
 * restarted on the same machine picks up the work its predecessor left in those worktrees.
 */
export function hostQueueName(hostId: string): string {
  return `${AGENT_QUEUE}@${hostId}`;
}

/**
 * Workflow task timeout of the small per-unit workflows (AtomicUnit, WorkLoop) on the agent
 * queue. Their tasks take milliseconds; a task started by a worker that was then killed is
 * handed to another worker after this long, instead of the default 10 s.
 */
export const UNIT_WORKFLOW_TASK_TIMEOUT = '3s';
