import type { RepoTarget } from '../../domain/processor-port.js';
import type { FeatureInput } from '../feature-orchestration/messages.js';

/** `/aidp retry` after the build finished: the feature's next run, with what it carries over. */
export interface BuildRetry {
  /** The previous run's request, carrying its units, merged units and the ones to run again. */
  feature: FeatureInput;
  units: string[];
  /** The status comment of the build before, edited again; a new one is posted without it. */
  statusCommentId?: number;
  /** The feature PR the build before opened or updated: the check run goes on its head from the start. */
  pullNumber?: number;
}

/** `cloneUrl`: where the worker fetches from and pushes unit and feature branches to. */
export interface BuildInput extends RepoTarget {
  issueNumber: number;
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
  /** Set when this run retries units of a finished build: no config or plan is read again. */
  retry?: BuildRetry;
}

export interface BuildResult {
  status: string;
  featureWorkflowId?: string;
  prUrl?: string;
  error?: string;
  /** The status comment this build kept, so a retry edits the same one. */
  statusCommentId?: number;
}
