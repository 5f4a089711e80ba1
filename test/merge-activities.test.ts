import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { featureBranch, uniqueSlugs, unitBranch } from '../src/domain/slug.js';
import { createMergeActivities } from '../src/activities/merge/merge-activities.js';
import { tempDir } from './support/repos.js';
import { failureOf } from './support/failures.js';

const FEATURE = 'aidp/login/feature';

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd })).stdout.trim();
}

/** The user's repository: non-bare, on main, accepting pushes; `notes.md` has a `=======` heading underline. */
async function createRemote(): Promise<string> {
  const dir = tempDir('merge-remote');
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  await git(dir, 'config', 'receive.denyCurrentBranch', 'updateInstead');
  writeFileSync(join(dir, 'README.md'), '# remote\n\nline one\nline two\nline three\n');
  writeFileSync(join(dir, 'notes.md'), 'Notes\n=======\n\nfirst\n');
  await git(dir, 'add', '.');
  await git(dir, '-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '--quiet', '-m', 'initial');
  return dir;
}

/** A developer's clone that pushes branches to the remote, as a unit's worktree does. */
async function createClone(remote: string): Promise<string> {
  const dir = tempDir('merge-clone');
  await git(dir, 'clone', '--quiet', remote, '.');
  await git(dir, 'config', 'user.name', 'unit');
  await git(dir, 'config', 'user.email', 'unit@example.invalid');
  return dir;
}

async function pushBranch(clone: string, branch: string, files: Record<string, string>, from = 'origin/main'): Promise<string> {
  await git(clone, 'fetch', '--quiet', 'origin');
  await git(clone, 'checkout', '--quiet', '-B', branch, from);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(clone, path), text);
  await git(clone, 'add', '-A');
  await git(clone, 'commit', '--quiet', '-m', `work on ${branch}`);
  await git(clone, 'push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`);
  return git(clone, 'rev-parse', 'HEAD');
}

const parents = async (cwd: string, rev = 'HEAD') => (await git(cwd, 'rev-list', '--parents', '-n', '1', rev)).split(' ').slice(1);
const status = (cwd: string) => git(cwd, 'status', '--porcelain', '--untracked-files=all');

// Every test has a remote, a clone and a work dir of its own, so the tests run at once
// (it.concurrent): their time is spent waiting on git processes. Remote and clone are copies of a
// pair made once (the copied clone's origin is set to the copied remote).
describe('merge activities', () => {
  let templateRemote: string;
  let templateClone: string;
  const dirs: string[] = [];
  beforeAll(async () => {
    templateRemote = await createRemote();
    templateClone = await createClone(templateRemote);
    dirs.push(templateRemote, templateClone);
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function fixture() {
    const remote = tempDir('merge-remote');
    const clone = tempDir('merge-clone');
    cpSync(templateRemote, remote, { recursive: true });
    cpSync(templateClone, clone, { recursive: true });
    await git(clone, 'remote', 'set-url', 'origin', remote);
    const workDir = realpathSync(tempDir('merge-work'));
    dirs.push(remote, clone, workDir);
    const merge = createMergeActivities({ workDir });
    const prepare = () => merge.prepareMergeWorktree({ remoteUrl: remote, baseBranch: 'main', featureSlug: 'login', featureBranch: FEATURE });
    return { remote, clone, workDir, merge, prepare };
  }

  it.concurrent('prepares a worktree on a new feature branch from the base branch, under the work dir', async () => {
    const { remote, workDir, prepare } = await fixture();
    const wt = await prepare();

    expect(wt.worktreePath).toBe(join(workDir, 'worktrees', 'login', '_merge'));
    expect(wt.existed).toBe(false);
    expect(wt.baseSha).toBe(await git(remote, 'rev-parse', 'main'));
    expect(wt.headSha).toBe(wt.baseSha);
    expect(await git(wt.worktreePath, 'symbolic-ref', '--short', 'HEAD')).toBe(FEATURE);
    expect(await status(wt.worktreePath)).toBe('');
  });

  it.concurrent('merges units that touch different files, each with a merge commit, and pushes the feature branch', async () => {
    const { remote, clone, merge, prepare } = await fixture();
    await pushBranch(clone, 'aidp/login/api', { 'api.ts': 'export const api = 1;\n' });
    await pushBranch(clone, 'aidp/login/ui', { 'ui.ts': 'export const ui = 1;\nexport const more = 2;\n', 'ui.css': 'a {}\n' });
    const wt = await prepare();

    const stats = await merge.diffStats({ worktreePath: wt.worktreePath, baseSha: wt.baseSha, branches: ['aidp/login/api', 'aidp/login/ui', 'aidp/login/gone'] });
    expect(stats).toEqual({ 'aidp/login/api': { files: 1, lines: 1 }, 'aidp/login/ui': { files: 2, lines: 3 } });

    const first = await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/api', message: 'Merge unit "api"' });
    const second = await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/ui', message: 'Merge unit "ui"' });
    expect(first.status).toBe('merged');
    expect(second.status).toBe('merged');
    if (second.status !== 'merged' || first.status !== 'merged') return;
    expect(await merge.headSha({ worktreePath: wt.worktreePath })).toBe(second.sha);
    expect(await parents(wt.worktreePath)).toEqual([first.sha, await git(remote, 'rev-parse', 'aidp/login/ui')]);
    expect(await git(wt.worktreePath, 'log', '--first-parent', '--format=%s', '-n', '2')).toBe('Merge unit "ui"\nMerge unit "api"');

    const pushed = await merge.pushFeatureBranch({ worktreePath: wt.worktreePath, branch: FEATURE, remoteUrl: remote });
    expect(pushed.sha).toBe(second.sha);
    expect(await git(remote, 'rev-parse', FEATURE)).toBe(second.sha);
    expect(await git(remote, 'ls-tree', '--name-only', FEATURE)).toBe(['README.md', 'api.ts', 'notes.md', 'ui.css', 'ui.ts'].join('\n'));
  });

  it.concurrent('reports a conflict with its files and hunks, leaves the merge in progress, and concludes it once resolved', async () => {
    const { remote, clone, merge, prepare } = await fixture();
    await pushBranch(clone, 'aidp/login/a', { 'README.md': '# remote\n\nline one\nline TWO from a\nline three\n' });
    await pushBranch(clone, 'aidp/login/b', {
      'README.md': '# remote\n\nline one\nline 2 from b\nline three\n',
      'notes.md': 'Notes\n=======\n\nfirst\nfrom b\n',
    });
    const wt = await prepare();
    const cwd = wt.worktreePath;
    expect((await merge.mergeBranch({ worktreePath: cwd, branch: 'aidp/login/a', message: 'Merge a' })).status).toBe('merged');
    const before = await merge.headSha({ worktreePath: cwd });

    const result = await merge.mergeBranch({ worktreePath: cwd, branch: 'aidp/login/b', message: 'Merge b' });

    expect(result.status).toBe('conflict');
    if (result.status !== 'conflict') return;
    expect(result.files).toEqual(['README.md']);
    expect(result.hunks).toContain('--- README.md');
    expect(result.hunks).toMatch(/^<<<<<<< HEAD$/m);
    expect(result.hunks).toContain('line TWO from a');
    expect(result.hunks).toContain('line 2 from b');
    expect(result.hunks).toMatch(/^>>>>>>> refs\/remotes\/origin\/aidp\/login\/b$/m);
    expect(existsSync(join(cwd, '.git'))).toBe(true);
    expect(await git(cwd, 'rev-parse', '--verify', '--quiet', 'MERGE_HEAD')).toBe(await git(remote, 'rev-parse', 'aidp/login/b'));
    expect(await merge.conflictMarkersLeft({ worktreePath: cwd, files: ['README.md', 'notes.md'] })).toEqual(['README.md']);
    const refused = await failureOf(merge.concludeMerge({ worktreePath: cwd, message: 'Merge b' }));
    expect(refused.type).toBe('ConflictMarkersLeft');

    // What a resolver does: both changes kept, markers gone (notes.md keeps its `=======` underline).
    writeFileSync(join(cwd, 'README.md'), '# remote\n\nline one\nline TWO from a\nline 2 from b\nline three\n');
    expect(await merge.conflictMarkersLeft({ worktreePath: cwd, files: ['README.md', 'notes.md'] })).toEqual([]);
    const concluded = await merge.concludeMerge({ worktreePath: cwd, message: 'Merge b, conflicts resolved' });

    expect(await parents(cwd)).toEqual([before, await git(remote, 'rev-parse', 'aidp/login/b')]);
    expect(concluded.sha).toBe(await merge.headSha({ worktreePath: cwd }));
    expect(await git(cwd, 'log', '-1', '--format=%s')).toBe('Merge b, conflicts resolved');
    expect(readFileSync(join(cwd, 'notes.md'), 'utf8')).toBe('Notes\n=======\n\nfirst\nfrom b\n');
    expect(await status(cwd)).toBe('');
    // Concluding again (an activity retry) changes nothing.
    expect(await merge.concludeMerge({ worktreePath: cwd, message: 'again' })).toEqual(concluded);
  });

  it.concurrent('aborts a conflicted merge back to a clean worktree at the same commit', async () => {
    const { clone, merge, prepare } = await fixture();
    await pushBranch(clone, 'aidp/login/a', { 'README.md': 'a\n' });
    await pushBranch(clone, 'aidp/login/b', { 'README.md': 'b\n' });
    const wt = await prepare();
    const cwd = wt.worktreePath;
    await merge.mergeBranch({ worktreePath: cwd, branch: 'aidp/login/a', message: 'Merge a' });
    const before = await merge.headSha({ worktreePath: cwd });
    expect((await merge.mergeBranch({ worktreePath: cwd, branch: 'aidp/login/b', message: 'Merge b' })).status).toBe('conflict');
    writeFileSync(join(cwd, 'scratch.txt'), 'left by a resolver\n');

    await merge.abortMerge({ worktreePath: cwd });

    expect(await status(cwd)).toBe('');
    expect(await merge.headSha({ worktreePath: cwd })).toBe(before);
    expect(readFileSync(join(cwd, 'README.md'), 'utf8')).toBe('a\n');
    await merge.abortMerge({ worktreePath: cwd }); // nothing in progress: still fine
  });

  it.concurrent('merges again from the start when a merge is retried mid-conflict', async () => {
    const { clone, merge, prepare } = await fixture();
    await pushBranch(clone, 'aidp/login/a', { 'README.md': 'a\n' });
    await pushBranch(clone, 'aidp/login/b', { 'README.md': 'b\n' });
    const wt = await prepare();
    await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/a', message: 'Merge a' });
    const first = await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/b', message: 'Merge b' });
    const again = await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/b', message: 'Merge b' });

    expect(again).toEqual(first);
  });

  it.concurrent('caps the conflicting hunks at a few KB', async () => {
    const { clone, merge, prepare } = await fixture();
    const lines = (tag: string) => Array.from({ length: 800 }, (_, i) => `${tag} line ${i}`).join('\n');
    await pushBranch(clone, 'aidp/login/a', { 'README.md': lines('a') });
    await pushBranch(clone, 'aidp/login/b', { 'README.md': lines('b') });
    const wt = await prepare();
    await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/a', message: 'Merge a' });

    const result = await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/b', message: 'Merge b' });

    expect(result.status).toBe('conflict');
    if (result.status !== 'conflict') return;
    expect(result.hunks.length).toBeLessThanOrEqual(6000);
    expect(result.hunks).toContain('more characters left out');
  });

  it.concurrent('rolls back to an earlier commit with resetTo, untracked and ignored files gone', async () => {
    const { clone, merge, prepare } = await fixture();
    await pushBranch(clone, 'aidp/login/a', { 'a.txt': 'a\n', '.gitignore': 'build/\n' });
    await pushBranch(clone, 'aidp/login/b', { 'b.txt': 'b\n' });
    const wt = await prepare();
    const cwd = wt.worktreePath;
    await merge.mergeBranch({ worktreePath: cwd, branch: 'aidp/login/a', message: 'Merge a' });
    const before = await merge.headSha({ worktreePath: cwd });
    await merge.mergeBranch({ worktreePath: cwd, branch: 'aidp/login/b', message: 'Merge b' });
    writeFileSync(join(cwd, 'a.txt'), 'edited by a check\n');
    writeFileSync(join(cwd, 'stray.txt'), 'x\n');
    mkdirSync(join(cwd, 'build'));
    writeFileSync(join(cwd, 'build', 'out.js'), 'x\n');

    await merge.resetTo({ worktreePath: cwd, sha: before });

    expect(await merge.headSha({ worktreePath: cwd })).toBe(before);
    expect(existsSync(join(cwd, 'b.txt'))).toBe(false);
    expect(existsSync(join(cwd, 'stray.txt'))).toBe(false);
    expect(existsSync(join(cwd, 'build'))).toBe(false);
    expect(readFileSync(join(cwd, 'a.txt'), 'utf8')).toBe('a\n');
    expect(await status(cwd)).toBe('');
    expect((await failureOf(merge.resetTo({ worktreePath: cwd, sha: 'f'.repeat(40) }))).type).toBe('UnknownCommit');
  });

  it.concurrent('merges into the feature branch already on the remote (a retry), after removing a stale merge worktree', async () => {
    const { remote, clone, merge, prepare } = await fixture();
    const earlier = await pushBranch(clone, FEATURE, { 'first.txt': 'merged by an earlier run\n' });
    await pushBranch(clone, 'aidp/login/c', { 'c.txt': 'c\n' });
    const stale = await prepare();
    writeFileSync(join(stale.worktreePath, 'half-done.txt'), 'x\n');

    const wt = await prepare();

    expect(wt.existed).toBe(true);
    expect(wt.headSha).toBe(earlier);
    expect(wt.baseSha).toBe(await git(remote, 'rev-parse', 'main'));
    expect(existsSync(join(wt.worktreePath, 'half-done.txt'))).toBe(false);
    const merged = await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/c', message: 'Merge c' });
    expect(merged.status).toBe('merged');
    expect((await parents(wt.worktreePath))[0]).toBe(earlier);
    await merge.pushFeatureBranch({ worktreePath: wt.worktreePath, branch: FEATURE, remoteUrl: remote });
    expect(await git(remote, 'show', `${FEATURE}:first.txt`)).toBe('merged by an earlier run');
  });

  it.concurrent('refuses to push anything but an aidp branch, or while a merge is in progress', async () => {
    const { remote, clone, merge, prepare } = await fixture();
    await pushBranch(clone, 'aidp/login/a', { 'README.md': 'a\n' });
    await pushBranch(clone, 'aidp/login/b', { 'README.md': 'b\n' });
    const wt = await prepare();

    const notOurs = await failureOf(merge.pushFeatureBranch({ worktreePath: wt.worktreePath, branch: 'main', remoteUrl: remote }));
    expect(notOurs.type).toBe('UnsafeBranch');
    expect(notOurs.nonRetryable).toBe(true);

    await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/a', message: 'Merge a' });
    await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/b', message: 'Merge b' });
    const midMerge = await failureOf(merge.pushFeatureBranch({ worktreePath: wt.worktreePath, branch: FEATURE, remoteUrl: remote }));
    expect(midMerge.type).toBe('MergeInProgress');
    expect(await git(remote, 'branch', '--list', FEATURE)).toBe('');
  });

  it.concurrent('fails non-retryably for a branch that is not on the remote', async () => {
    const { merge, prepare } = await fixture();
    const wt = await prepare();
    const failure = await failureOf(merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/nope', message: 'x' }));
    expect(failure.type).toBe('BranchMissing');
    expect(failure.nonRetryable).toBe(true);
  });

  it.concurrent('works only on merge worktree paths inside the work dir', async () => {
    const { remote, workDir, merge, prepare } = await fixture();
    const wt = await prepare();
    const elsewhere = [join(workDir, 'worktrees', 'login', 'api'), join(workDir, 'worktrees', 'login'), remote, `${wt.worktreePath}/../../../x/_merge`];
    for (const worktreePath of elsewhere) {
      const failure = await failureOf(merge.headSha({ worktreePath }));
      expect(failure.type).toBe('UnsafePath');
    }
  });

  it.concurrent('removes the merge worktree and its local branch, and may be called again', async () => {
    const { workDir, merge, prepare } = await fixture();
    const wt = await prepare();
    const mirror = join(workDir, 'mirrors', (await git(wt.worktreePath, 'rev-parse', '--git-common-dir')).split('/').pop() ?? '');

    await merge.removeMergeWorktree({ worktreePath: wt.worktreePath });
    await merge.removeMergeWorktree({ worktreePath: wt.worktreePath });

    expect(existsSync(wt.worktreePath)).toBe(false);
    expect(await git(mirror, 'branch', '--list', FEATURE)).toBe('');
    expect(await git(mirror, 'worktree', 'list', '--porcelain')).not.toContain('_merge');
  });
});

describe('the feature branch beside its unit branches', () => {
  it('is aidp/<feature>/feature, a name no unit slug can take', async () => {
    expect(featureBranch('login')).toBe(FEATURE);
    expect(uniqueSlugs(['Feature', 'feature', 'api'])).toEqual(['feature-2', 'feature-3', 'api']);
    expect((await failureOf(Promise.resolve().then(() => unitBranch('login', 'feature')))).type).toBe('UnsafeName');
  });
});
