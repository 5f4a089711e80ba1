import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMergeActivities } from '../src/activities/merge/merge-activities.js';
import { BRANCH_MOVED } from '../src/domain/failure-types.js';
import { createRemote, failureOf, git } from './support/hostile-git.js';
import { tempDir } from './support/repos.js';

const FEATURE = 'aidp/login/feature';

/** The feature branch is pushed with a lease: what a person pushed to it is never overwritten. */
describe('the feature branch push', () => {
  let remote: string;
  let person: string;
  let workDir: string;
  let merge: ReturnType<typeof createMergeActivities>;
  const prepare = () => merge.prepareMergeWorktree({ remoteUrl: remote, baseBranch: 'main', featureSlug: 'login', featureBranch: FEATURE });

  /** A person's clone pushes a commit on `branch` (from `from`). */
  async function personPushes(branch: string, file: string, from: string): Promise<string> {
    await git(person, 'fetch', '--quiet', 'origin');
    await git(person, 'checkout', '--quiet', '-B', branch, from);
    writeFileSync(join(person, file), `${file} by a person\n`);
    await git(person, 'add', '-A');
    await git(person, '-c', 'user.name=person', '-c', 'user.email=person@example.invalid', 'commit', '--quiet', '-m', `${file}`);
    await git(person, 'push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`);
    return git(person, 'rev-parse', 'HEAD');
  }

  beforeEach(async () => {
    remote = await createRemote('lease-remote');
    person = tempDir('lease-person');
    await git(person, 'clone', '--quiet', remote, '.');
    workDir = realpathSync(tempDir('lease-work'));
    merge = createMergeActivities({ workDir });
    await personPushes('aidp/login/api', 'api.txt', 'origin/main');
  });
  afterEach(() => {
    for (const dir of [remote, person, workDir]) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the feature branch when none existed, and pushing the same commit again is fine', async () => {
    const wt = await prepare();
    await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/api', message: 'Merge api' });

    const pushed = await merge.pushFeatureBranch({ worktreePath: wt.worktreePath, branch: FEATURE, remoteUrl: remote });
    const again = await merge.pushFeatureBranch({ worktreePath: wt.worktreePath, branch: FEATURE, remoteUrl: remote });

    expect(await git(remote, 'rev-parse', FEATURE)).toBe(pushed.sha);
    expect(again.sha).toBe(pushed.sha);
  });

  it("does not overwrite a person's push to the feature branch made after the merge fetched it", async () => {
    await personPushes(FEATURE, 'earlier.txt', 'origin/main');
    const wt = await prepare();
    await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/api', message: 'Merge api' });
    const theirs = await personPushes(FEATURE, 'fix.txt', `origin/${FEATURE}`);

    const failure = await failureOf(merge.pushFeatureBranch({ worktreePath: wt.worktreePath, branch: FEATURE, remoteUrl: remote }));

    expect(failure.type).toBe(BRANCH_MOVED);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('someone pushed to it');
    expect(await git(remote, 'rev-parse', FEATURE)).toBe(theirs);
  });

  it('does not overwrite a feature branch a person created after the merge found none', async () => {
    const wt = await prepare();
    await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/api', message: 'Merge api' });
    const theirs = await personPushes(FEATURE, 'theirs.txt', 'origin/main');

    const failure = await failureOf(merge.pushFeatureBranch({ worktreePath: wt.worktreePath, branch: FEATURE, remoteUrl: remote }));

    expect(failure.type).toBe(BRANCH_MOVED);
    expect(failure.message).toContain('absent when aidp started');
    expect(await git(remote, 'rev-parse', FEATURE)).toBe(theirs);
  });
});
