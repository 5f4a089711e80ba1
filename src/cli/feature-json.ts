import type { FeatureResult } from '../workflows/feature-orchestration/messages.js';

/** The `--json` shape of a finished run: stable field names for scripts. */
export function featureJson(workflowId: string, result: FeatureResult, uiUrl?: string) {
  return {
    workflowId,
    status: result.status,
    title: result.title,
    featureSlug: result.featureSlug,
    uiUrl,
    error: result.error,
    featureBranch: result.featureBranch,
    merged: result.merge?.merged ?? result.carried.merged,
    conflicts: result.merge?.conflicts ?? [],
    reverted: result.merge?.reverted ?? [],
    skipped: result.merge?.skipped ?? [],
    /** The PR's URL, or (without GitHub) the path of the summary a PR body would hold. */
    pr: result.merge?.pr?.url ?? result.merge?.summaryPath,
    totals: {
      units: result.total_units,
      completed: result.completed,
      failed: result.failed,
      cancelled: result.cancelled,
    },
    units: result.units.map((u) => ({
      id: u.spec.id,
      title: u.spec.title,
      status: u.status,
      branch: u.branch,
      iterations: u.iterations,
      runs: u.runs,
      commit: u.commitSha,
      filesChanged: u.filesChanged,
      error: u.error,
    })),
  };
}
