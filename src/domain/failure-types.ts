/**
 * Failure types that mean "the worker running this activity went away", shared by the worker
 * side that reports them and the workflows that restart the unit on them.
 */

/** Reported by the Temporal SDK for activities still running when a worker's shutdown grace ends. */
export const WORKER_SHUTDOWN = 'WorkerShutdown';

/** Reported by aidp for activities a SIGKILLed worker left running, when a worker of the same host starts. */
export const WORKER_RESTARTED = 'WorkerRestarted';

export const WORKER_GONE_TYPES: readonly string[] = [WORKER_SHUTDOWN, WORKER_RESTARTED];

/** The agent sandbox cannot start (no bubblewrap, no user namespaces): no agent or check runs. */
export const SANDBOX_UNAVAILABLE = 'SandboxUnavailable';
