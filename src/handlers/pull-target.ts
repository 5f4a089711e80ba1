import type { LinkedPullRequest } from './payloads.js';

/** Every branch aidp creates starts with this (see `src/domain/branches.ts`). */
export const AIDP_BRANCH_PREFIX = 'aidp/';

export function isAidpBranch(ref: string | null | undefined): boolean {
  return typeof ref === 'string' && ref.startsWith(AIDP_BRANCH_PREFIX);
}

/** Head and base both in this repository: aidp may push to the head. Never true for a fork's PR. */
export function isSameRepoPull(pr: LinkedPullRequest, repositoryId: number): boolean {
  return pr.head.repo?.id === repositoryId && pr.base.repo?.id === repositoryId;
}

export { pullTarget } from '../github/targets.js';
