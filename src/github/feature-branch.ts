import { slugify } from '../domain/slug.js';
import { featureBranchName } from '../domain/branches.js';

/** The feature slug of an issue's build: its number first, so its branch names the issue. */
export function issueFeatureSlug(issueNumber: number, title: string): string {
  return `issue-${issueNumber}-${slugify(title, 30)}`;
}

const ISSUE_FEATURE_BRANCH = /^aidp\/issue-(\d{1,10})(?:-[a-z0-9-]*)?\/feature$/;

/**
 * The issue whose build opened a pull request from `ref` (`aidp/issue-<n>-<title>/feature`),
 * or undefined for any other branch.
 */
export function issueOfFeatureBranch(ref: string): number | undefined {
  const match = ISSUE_FEATURE_BRANCH.exec(ref);
  if (!match) return undefined;
  const issue = Number(match[1]);
  return Number.isSafeInteger(issue) && issue > 0 ? issue : undefined;
}

export function issueFeatureBranch(issueNumber: number, title: string): string {
  return featureBranchName(issueFeatureSlug(issueNumber, title));
}
