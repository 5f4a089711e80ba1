/**
 * Failure types shared by the activities that report them and the workflows that act on them.
 * The first group means "the worker running this activity went away": the unit restarts.
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

/** The agent sandbox cannot start (no bubblewrap, no user namespaces): no agent or check runs. */
export const SANDBOX_UNAVAILABLE = 'SandboxUnavailable';

/**
 * The environment, not the agent, is at fault: a setup command failed, the agent CLI is not
 * installed on the worker, a check could not start (exit 126/127). Never fed to an agent, never
 * charged an iteration; the unit stops at once. Non-retryable.
 */
export const ENVIRONMENT_FAILURE = 'EnvironmentFailure';
