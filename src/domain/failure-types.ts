/**
 * Failure types that mean "the worker running this activity went away", shared by the worker
 * side that reports them and the workflows that restart the unit on them.
 */

/** Reported by the Temporal SDK for activities still running when a worker's shutdown grace ends. */
export const WORKER_SHUTDOWN = 'WorkerShutdown';

/** Reported by aidp for activities a SIGKILLed worker left running, when a worker of the same host starts. */
export const WORKER_RESTARTED = 'WorkerRestarted';

export const WORKER_GONE_TYPES: readonly string[] = [WORKER_SHUTDOWN, WORKER_RESTARTED];

/**
 * A worktree's git metadata is not what aidp wrote: its `.git` is no longer the file pointing at
 * aidp's mirror, or a config file git would read holds keys aidp never set. Non-retryable.
 */
export const WORKTREE_TAMPERED = 'WorktreeTampered';

/** A branch aidp pushes with a lease moved since aidp read it (someone pushed to it). Non-retryable. */
export const BRANCH_MOVED = 'BranchMoved';
