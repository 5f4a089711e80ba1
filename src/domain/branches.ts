/**
 * Branch names from safe slugs (see slug.ts). Pure: workflows import it too.
 * The feature branch is `aidp/<feature>/feature`, not `aidp/<feature>`: git cannot hold a
 * branch and branches below it (`aidp/<feature>/<unit>`) at once. No unit slug is `feature`.
 */
export function featureBranchName(featureSlug: string): string {
  return `aidp/${featureSlug}/feature`;
}

export function unitBranchName(featureSlug: string, unitSlug: string): string {
  return `aidp/${featureSlug}/${unitSlug}`;
}
