/**
 * What the webhook handlers ask of the processors: start a workflow, or message a running one.
 * Handlers decide; an implementation (Temporal, in production) derives workflow ids with
 * `githubWorkflowId` and starts or signals. Every text field has been through `userText`
 * (sanitized) before it gets here.
 */

/** The repository an event came from, and how a worker reaches it. */
export interface RepoTarget {
  owner: string;
  repo: string;
  installationId: number;
  /** `repository.clone_url` from the payload: the worker fetches and pushes here. */
  cloneUrl: string;
  defaultBranch: string;
}

/** Work on an issue: a plan, or a feature build. */
export interface IssueWorkRequest extends RepoTarget {
  issueNumber: number;
  title: string;
  body: string;
  /** The login that added the label or wrote the command. */
  requestedBy: string;
}

export type BuildRequest = IssueWorkRequest;
export type PlanRequest = IssueWorkRequest;

/** A pull request whose head branch lives in the base repository (never a fork, for pushes). */
export interface PullRequestTarget extends RepoTarget {
  prNumber: number;
  headBranch: string;
  headSha: string;
  baseBranch: string;
}

export interface ReviewRequest extends PullRequestTarget {
  requestedBy: string;
}

/** The failed check that triggered a CI fix; absent when a person asked for one. */
export interface CiFailure {
  source: 'check_suite' | 'check_run' | 'workflow_run';
  /** The check suite, check run or workflow run id. */
  id: number;
  conclusion: string;
  /** The check run's or workflow's name; check suites have none. */
  name?: string;
}

export interface CiFixRequest extends PullRequestTarget {
  /** The person who labelled or commented; absent when a failed check triggered it. */
  requestedBy?: string;
  failure?: CiFailure;
  /** Kept for `check_run` as in the brief: the failed check's name, when known. */
  checkName?: string;
}

export interface ChangeRequestRequest extends PullRequestTarget {
  requestedBy: string;
  /**
   * What to change: the `/aidp change` text or the review's body. Empty when the label or a
   * review without a body asked: the workflow then reads the PR's review comments.
   */
  instruction: string;
  /** The "changes requested" review that asked, so the workflow can read its inline comments. */
  reviewId?: number;
}

/** aidp's feature PR (head `aidp/<feature>/feature`, same repository) was closed, merged or not. */
export interface FeaturePullClosedRequest extends RepoTarget {
  prNumber: number;
  /** The issue whose build opened it. */
  issueNumber: number;
  featureSlug: string;
  merged: boolean;
}

export interface StartResult {
  workflowId: string;
  /** False when a workflow with that id was already running: nothing new was started. */
  started: boolean;
}

/** The issue or pull request a command was written on. */
export interface ItemRef {
  owner: string;
  repo: string;
  /** The issue or pull request number. */
  number: number;
  isPullRequest: boolean;
  installationId: number;
}

export const FEATURE_SIGNALS = ['pause', 'resume', 'cancel'] as const;
export type FeatureSignal = (typeof FEATURE_SIGNALS)[number];

/** Whether a message reached a running workflow; if not, `reason` is shown to the person who asked. */
export type MessageResult = { delivered: true; workflowId: string } | { delivered: false; reason: string };

/** Someone without write access whom aidp is about to tell so, on an issue or pull request. */
export interface RefusalReplyClaim {
  owner: string;
  repo: string;
  /** The issue or pull request number. */
  number: number;
  login: string;
}

export interface ProcessorPort {
  startBuild(request: BuildRequest): Promise<StartResult>;
  startPlan(request: PlanRequest): Promise<StartResult>;
  startReview(request: ReviewRequest): Promise<StartResult>;
  startCiFix(request: CiFixRequest): Promise<StartResult>;
  startChangeRequest(request: ChangeRequestRequest): Promise<StartResult>;
  signalFeature(request: ItemRef & { signal: FeatureSignal; requestedBy: string }): Promise<MessageResult>;
  /** `units` empty: every failed unit. */
  retry(request: ItemRef & { units: string[]; requestedBy: string }): Promise<MessageResult>;
  /** Ends the build of a closed or merged feature PR and deletes its unit branches as configured. */
  featurePullClosed(request: FeaturePullClosedRequest): Promise<StartResult>;
  setConcurrency(request: ItemRef & { concurrency: number; requestedBy: string }): Promise<MessageResult>;
  /** A Markdown status table, or undefined when no aidp run exists for the item. */
  status(request: ItemRef): Promise<string | undefined>;
  /**
   * True when this person may be told "no" on this issue now; false when they were told
   * within the last ten minutes (by any server process). Keeps refusal replies from becoming spam.
   */
  claimRefusalReply(claim: RefusalReplyClaim): Promise<boolean>;
}

/** Hands a delivery whose work needs GitHub to a DeliveryWorkflow: one Temporal start, nothing else. */
export interface DeliveryQueue {
  /** `started` false: this delivery id was seen before (a redelivery), and nothing new starts. */
  acceptDelivery(delivery: DeferredDelivery): Promise<StartResult>;
}

/**
 * Deliveries whose work needs GitHub (who the sender is, the repository's labels, a reply):
 * the request path only admits them (a payload check, no API call) and hands them to a
 * DeliveryWorkflow, whose activity runs `runDeferredDelivery` (handlers/deferred.ts) with the
 * installation's client.
 */
export interface DeferredDelivery {
  /** `X-GitHub-Delivery`: the DeliveryWorkflow's id is derived from it, so it acts once. */
  id: string;
  /** The route, with its action: `issues.labeled`. */
  event: string;
  owner: string;
  repo: string;
  installationId: number;
  defaultBranch: string;
  /** The payload as the handler's schema parsed it: only the fields aidp reads. */
  payload: unknown;
}
