/** The labels that start aidp work, app-wide. */
export interface AidpLabels {
  plan: string;
  build: string;
  review: string;
  fixCi: string;
  requestChanges: string;
}

/** The app-wide trigger labels, and each repository's unless its `.github/aidp.yml` renames one. */
export const DEFAULT_LABELS: AidpLabels = {
  plan: 'aidp-plan',
  build: 'aidp-build',
  review: 'aidp-review',
  fixCi: 'aidp-fix-ci',
  requestChanges: 'aidp-request-changes',
};

/** The labels a plan sets on its issue: more input wanted, or ready to build. */
export const PLAN_STATE_LABELS = { needsInput: 'aidp-needs-input', ready: 'aidp-ready' } as const;

/** Which label `name` is (GitHub compares label names case-insensitively), or undefined. */
export function labelRole(labels: AidpLabels, name: string): keyof AidpLabels | undefined {
  const wanted = name.toLowerCase();
  return (Object.keys(labels) as (keyof AidpLabels)[]).find((role) => labels[role].toLowerCase() === wanted);
}
