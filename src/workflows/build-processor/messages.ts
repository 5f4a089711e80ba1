export interface BuildInput {
  owner: string;
  repo: string;
  issueNumber: number;
  installationId: number;
  /** Where the worker fetches from and pushes unit and feature branches to. */
  cloneUrl: string;
  defaultBranch: string;
  title: string;
  /** The issue body, already sanitised: the feature's spec. */
  body: string;
  /** Safe slug of the feature (computed by the processor: slugs need hashing). */
  featureSlug: string;
  requestedBy: string;
  uiUrl?: string;
  /** Directory an agent may use when asked to split the spec. */
  decomposeCwd: string;
  /** How often, at most, the status comment is edited while the build runs. */
  statusEveryMs: number;
}

export interface BuildResult {
  status: string;
  featureWorkflowId?: string;
  prUrl?: string;
  error?: string;
}
