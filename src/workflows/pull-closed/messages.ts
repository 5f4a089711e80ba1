/** A feature PR that was closed (merged or not): what its cleanup needs. */
export interface PullClosedInput {
  owner: string;
  repo: string;
  installationId: number;
  prNumber: number;
  merged: boolean;
  /** Where the unit branches live, and the branch `.github/aidp.yml` is read from. */
  cloneUrl: string;
  defaultBranch: string;
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
