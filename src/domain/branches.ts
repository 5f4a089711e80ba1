/** Branch names from safe slugs (see activities/git/slug.ts). Pure: workflows import it too. */
export function featureBranchName(featureSlug: string): string {
  return `aidp/${featureSlug}`;
}

export function unitBranchName(featureSlug: string, unitSlug: string): string {
  return `aidp/${featureSlug}/${unitSlug}`;
}
