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

/** The host holding a unit's worktree stopped answering: the unit starts over from a fresh claim. */
export const HOST_LOST = 'HostLost';

/** No GitHub App is configured (APP_ID, PRIVATE_KEY) on the worker running a GitHub activity. */
export const GITHUB_NOT_CONFIGURED = 'GitHubNotConfigured';

/** `.github/aidp.yml` does not validate. */
export const CONFIG_INVALID = 'ConfigInvalid';

/** The feature spec, or a unit list written for it, cannot be used as units. */
export const SPEC_INVALID = 'SpecInvalid';

/** The agent asked to split the spec gave no usable unit list. */
export const DECOMPOSE_FAILED = 'DecomposeFailed';

/** An agent run (one that is not a unit's work loop: review, conflict resolution) failed. */
export const AGENT_FAILED = 'AgentFailed';

/** No agent provider, or a provider whose command line cannot run. */
export const AGENT_CONFIG_INVALID = 'AgentConfigInvalid';

/** The base branch is not in the remote repository. */
export const BASE_BRANCH_MISSING = 'BaseBranchMissing';

/** A unit branch to merge is not in the remote repository. */
export const BRANCH_MISSING = 'BranchMissing';

/** GitHub refused to open or update the feature pull request. */
export const PULL_REQUEST_REFUSED = 'PullRequestRefused';

/** Guards on what aidp's own git is given: a path, a remote URL, a branch outside aidp's, a bad branch name. */
export const UNSAFE_PATH = 'UnsafePath';
export const UNSAFE_REMOTE = 'UnsafeRemote';
export const UNSAFE_BRANCH = 'UnsafeBranch';
export const INVALID_BRANCH_NAME = 'InvalidBranchName';

/** A feature or unit slug that is not safe in a branch or path, or a reserved one. */
export const UNSAFE_NAME = 'UnsafeName';

/** A run key (prompt file, registry entry) that would leave its directory. */
export const INVALID_PROMPT_KEY = 'InvalidPromptKey';

/** The worktree path belongs to another repository; the worktree a step needs is not there. */
export const WORKTREE_CONFLICT = 'WorktreeConflict';
export const WORKTREE_MISSING = 'WorktreeMissing';
