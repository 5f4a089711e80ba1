/** The labels that start aidp work, app-wide. */
export interface AidpLabels {
  plan: string;
  build: string;
  review: string;
  fixCi: string;
  requestChanges: string;
}

export const DEFAULT_LABELS: AidpLabels = {
  plan: 'aidp-plan',
  build: 'aidp-build',
  review: 'aidp-review',
  fixCi: 'aidp-fix-ci',
  requestChanges: 'aidp-request-changes',
};

/** Which label `name` is (GitHub compares label names case-insensitively), or undefined. */
export function labelRole(labels: AidpLabels, name: string): keyof AidpLabels | undefined {
  const wanted = name.toLowerCase();
  return (Object.keys(labels) as (keyof AidpLabels)[]).find((role) => labels[role].toLowerCase() === wanted);
}
