import { ApplicationFailure } from '@temporalio/common';
import { BRANCH_MOVED } from '../../domain/failure-types.js';
import { GitCommandError, type GitRunner } from './run-git.js';

export interface PushLease {
  /** The sha the remote branch must still have, or null: it must not exist yet. */
  expected: string | null;
}

const REJECTED = /\[rejected\]|stale info|fetch first|non-fast-forward/;

/** The remote's sha for `refs/heads/<branch>`, or undefined when it has no such branch. */
async function remoteSha(git: GitRunner, cwd: string, remoteUrl: string, ref: string): Promise<string | undefined> {
  const listed = await git(['ls-remote', '--', remoteUrl, ref], { cwd });
  const line = listed.stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
  return line?.split('\t')[0];
}

/**
 * Pushes `sha` to `refs/heads/<branch>` of `remoteUrl`. Without a lease it is forced (a unit's
 * branch is aidp's alone). With one, it lands only while the remote branch is still at the
 * lease's sha (or still absent); when it moved, nothing is overwritten and the push fails with
 * a non-retryable BranchMoved, unless the remote already holds `sha` (an earlier attempt pushed it).
 */
export async function pushWithLease(
  git: GitRunner,
  req: { cwd: string; remoteUrl: string; branch: string; sha: string; lease?: PushLease },
): Promise<void> {
  const ref = `refs/heads/${req.branch}`;
  const mode = req.lease ? `--force-with-lease=${ref}:${req.lease.expected ?? ''}` : '--force';
  const pushed = await git(['push', '--quiet', '--porcelain', mode, '--no-verify', '--', req.remoteUrl, `${req.sha}:${ref}`], {
    cwd: req.cwd,
    okExitCodes: req.lease ? [1] : [],
  });
  if (pushed.exitCode === 0) return;
  if (!REJECTED.test(`${pushed.stdout}\n${pushed.stderr}`)) throw new GitCommandError(['push'], pushed.exitCode, pushed.stderr);
  const now = await remoteSha(git, req.cwd, req.remoteUrl, ref);
  if (now === req.sha) return;
  const was = req.lease?.expected ? `at ${req.lease.expected.slice(0, 12)}` : 'absent';
  throw ApplicationFailure.nonRetryable(
    `${req.branch} moved while aidp worked on it (someone pushed to it: it was ${was} when aidp started, ` +
      `it is ${now ? `at ${now.slice(0, 12)}` : 'gone'} now); aidp's commit ${req.sha.slice(0, 12)} was not pushed and nothing was overwritten`,
    BRANCH_MOVED,
  );
}
