/**
 * Ids of child workflows, from their parent's id: the same for a GitHub build and a local run.
 * Pure: workflows import it. Changing a format changes the ids of new children only.
 */

/** One run of a unit of a feature (`run-2` after a retry). */
export function unitRunWorkflowId(featureWorkflowId: string, unitSlug: string, run: number): string {
  return `${featureWorkflowId}/unit/${unitSlug}/run-${run}`;
}

/** A feature run's merge: one per run of the feature workflow (a retry merges again). */
export function mergeWorkflowId(featureWorkflowId: string, featureRunId: string): string {
  return `${featureWorkflowId}/merge-${featureRunId.slice(0, 8)}`;
}

/** The work loop of a unit attempt (`loop-<attempt>`) or of pull-request work (`loop`). */
export function workLoopWorkflowId(parentWorkflowId: string, attempt?: number): string {
  return attempt === undefined ? `${parentWorkflowId}/loop` : `${parentWorkflowId}/loop-${attempt}`;
}
