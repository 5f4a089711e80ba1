import { ApplicationFailure } from '@temporalio/common';
import { isSafeSlug } from '../../domain/slug.js';
import { INVALID_BRANCH_NAME, UNSAFE_BRANCH, UNSAFE_PATH, UNSAFE_REMOTE } from '../../domain/failure-types.js';

/** Non-retryable: the input itself is wrong, another attempt cannot help. */
function refuse(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}

export function unsafePath(message: string): ApplicationFailure {
  return refuse(UNSAFE_PATH, message);
}

/**
 * A remote git may reach without running anything of ours: no option lookalike, no remote
 * helper (`ext::`), no credentials (they come from gitEnv). The message never repeats the URL.
 */
export function assertRemoteUrl(remoteUrl: string): void {
  if (remoteUrl.trim() === '' || remoteUrl.startsWith('-') || /[\0\r\n]/.test(remoteUrl)) {
    throw refuse(UNSAFE_REMOTE, 'the remote URL is empty, starts with "-" or holds control characters');
  }
  if (/^[a-z][a-z0-9+.-]*::/i.test(remoteUrl)) {
    throw refuse(UNSAFE_REMOTE, 'remote helper URLs (transport::address) are not accepted');
  }
  if (!URL.canParse(remoteUrl)) return; // a local path or scp-like user@host:path
  const url = new URL(remoteUrl);
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  if (url.password !== '' || (web && url.username !== '')) {
    throw refuse(UNSAFE_REMOTE, 'the remote URL carries credentials; pass them through the git environment instead');
  }
}

/** aidp force-pushes only branches it owns: `aidp/<feature>/<unit>`, `aidp/<feature>/feature`, or the older `aidp/<feature>`. */
export function assertAidpBranch(branch: string): void {
  const [prefix, ...rest] = branch.split('/');
  if (prefix !== 'aidp' || rest.length < 1 || rest.length > 2 || !rest.every(isSafeSlug)) {
    throw refuse(UNSAFE_BRANCH, `${JSON.stringify(branch)} is not an aidp branch (aidp/<feature>/<unit> or aidp/<feature>/feature)`);
  }
}

/** A user's branch name, checked before it goes near an argv: git's own rules, and no option lookalike. */
export function assertBranchName(branch: string): void {
  const parts = branch.split('/');
  const bad =
    branch === '' ||
    branch === '@' ||
    branch.startsWith('-') ||
    branch.endsWith('.') ||
    branch.includes('..') ||
    branch.includes('@{') ||
    [...branch].some((ch) => ch <= ' ' || ch === '\x7f' || '~^:?*[\\'.includes(ch)) ||
    parts.some((p) => p === '' || p.startsWith('.') || p.endsWith('.lock'));
  if (bad) throw refuse(INVALID_BRANCH_NAME, `${JSON.stringify(branch)} is not a valid branch name`);
}

/** A commit id as git prints it; anything else could be read as an option or a revision expression. */
export function assertSha(sha: string): void {
  if (!/^[0-9a-f]{7,64}$/.test(sha)) throw refuse('InvalidSha', `${JSON.stringify(sha)} is not a commit sha`);
}
