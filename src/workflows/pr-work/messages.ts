import type { RepoTarget } from '../../domain/processor-port.js';

export type PullRequestWorkKind = 'ci-fix' | 'change-request';

export interface PullRequestWorkInput extends RepoTarget {
  kind: PullRequestWorkKind;
  prNumber: number;
  /** An aidp branch in the base repository (never a fork's). */
  headBranch: string;
  headSha: string;
  /** What to change (`/aidp change`, a review's body); empty for a CI fix. */
  instruction: string;
  /** A review without a body: its inline comments say what to change. */
  reviewId?: number;
  requestedBy?: string;
  /** Which run this is for the same head commit (CI fixes stop at `ci_fix.max_attempts`). */
  attempt: number;
}

export interface PullRequestWorkResult {
  status: 'pushed' | 'failed';
  sha?: string;
  iterations: number;
  reason?: string;
}
