import type { RepoTarget } from '../../domain/processor-port.js';

/**
 * A feature PR that was closed (merged or not): what its cleanup needs. The unit branches live
 * at `cloneUrl`; `.github/aidp.yml` is read from `defaultBranch`.
 */
export interface PullClosedInput extends RepoTarget {
  prNumber: number;
  merged: boolean;
  /** The feature whose unit branches (`aidp/<featureSlug>/<unit>`) are deleted. */
  featureSlug: string;
  /** The build of the PR's issue: its unit branches are deleted only once it has stopped. */
  buildWorkflowId: string;
}

export interface PullClosedResult {
  /** The unit branches deleted; empty when the repository's config keeps them. */
  deleted: string[];
  policy: 'on_close' | 'on_merge' | 'never' | 'unreadable_config';
}
