import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { createGitActivities } from '../src/activities/git/git-activities.js';
import { openActivityGit } from '../src/activities/git/guarded-git.js';
import { getWorktreeConfig } from '../src/activities/git/worktree-config.js';
import { tempDir } from './support/repos.js';
import { failureOf } from './support/failures.js';

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd })).stdout.trim();
}

/** The user's own repository, as in `aidp run`: non-bare, on main, accepting pushes. */
async function createRemote(): Promise<string> {
  const dir = tempDir('remote');
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  await git(dir, 'config', 'user.name', 'test');
  await git(dir, 'config', 'user.email', 'test@example.invalid');
  await git(dir, 'config', 'receive.denyCurrentBranch', 'updateInstead');
  writeFileSync(join(dir, 'README.md'), '# remote\n');
  writeFileSync(join(dir, '.gitignore'), '*.log\n');
  writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
  await git(dir, 'add', '.');
  await git(dir, 'commit', '--quiet', '-m', 'initial');
  return dir;
}

interface Fixture {
  remote: string;
  workDir: string;
  activities: ReturnType<typeof createGitActivities>;
  unit(unitSlug: string): { remoteUrl: string; baseBranch: string; featureSlug: string; unitSlug: string; branch: string };
}

// Every test has a remote and a work dir of its own, so the tests run at once (it.concurrent):
// their time is spent waiting on git processes. The remotes are copies of one made once.
describe('git activities', () => {
  let template: string;
  const dirs: string[] = [];
  beforeAll(async () => {
    template = await createRemote();
    dirs.push(template);
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function fixture(): Fixture {
    const remote = tempDir('remote');
    cpSync(template, remote, { recursive: true });
    const workDir = realpathSync(tempDir('work'));
    dirs.push(remote, workDir);
    return {
      remote,
      workDir,
      activities: createGitActivities({ workDir }),
      unit: (unitSlug) => ({ remoteUrl: remote, baseBranch: 'main', featureSlug: 'login', unitSlug, branch: `aidp/login/${unitSlug}` }),
    };
  }

  it.concurrent('creates the worktree on the unit branch from the base branch', async () => {
    const { remote, workDir, activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));

    expect(wt.worktreePath).toBe(join(workDir, 'worktrees', 'login', 'api'));
    expect(wt.branch).toBe('aidp/login/api');
    expect(await git(wt.worktreePath, 'symbolic-ref', '--short', 'HEAD')).toBe('aidp/login/api');
    expect(wt.baseSha).toBe(await git(remote, 'rev-parse', 'main'));
    expect(readFileSync(join(wt.worktreePath, 'README.md'), 'utf8')).toBe('# remote\n');
  });

  it.concurrent('keeps a bare mirror that fetches branches as remote-tracking refs, not as a --mirror', async () => {
    const { remote, activities } = fixture();
    const { mirrorPath } = await activities.ensureMirror({ remoteUrl: remote });

    expect(mirrorPath).toMatch(/[/\\]mirrors[/\\][0-9a-f]{16}\.git$/);
    expect(await git(mirrorPath, 'rev-parse', '--is-bare-repository')).toBe('true');
    expect(await git(mirrorPath, 'config', '--get-all', 'remote.origin.fetch')).toBe('+refs/heads/*:refs/remotes/origin/*');
    expect(await git(mirrorPath, 'for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/remotes')).toBe(
      'refs/remotes/origin/main',
    );
  });

  it.concurrent('fetches and prunes on a later ensureMirror', async () => {
    const { remote, activities } = fixture();
    await git(remote, 'branch', 'doomed');
    const { mirrorPath } = await activities.ensureMirror({ remoteUrl: remote });
    await git(remote, 'branch', '-D', 'doomed');
    await git(remote, 'commit', '--quiet', '--allow-empty', '-m', 'second');

    await activities.ensureMirror({ remoteUrl: remote });

    expect(await git(mirrorPath, 'rev-parse', 'refs/remotes/origin/main')).toBe(await git(remote, 'rev-parse', 'main'));
    expect(await git(mirrorPath, 'for-each-ref', '--format=%(refname)', 'refs/remotes/origin/doomed')).toBe('');
  });

  it.concurrent('sets aidp as the committer in the worktree config', async () => {
    const { activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));

    expect(await git(wt.worktreePath, 'config', '--worktree', 'user.name')).toBe('aidp');
    expect(await git(wt.worktreePath, 'config', '--worktree', 'user.email')).toBe('aidp@users.noreply.github.com');
  });

  it.concurrent('starts a unit prepared a second time from a clean worktree on the base commit', async () => {
    const { activities, unit } = fixture();
    const first = await activities.prepareWorktree(unit('api'));
    writeFileSync(join(first.worktreePath, 'README.md'), 'changed\n');
    writeFileSync(join(first.worktreePath, 'committed.txt'), 'x\n');
    await git(first.worktreePath, 'add', '.');
    await git(first.worktreePath, 'commit', '--quiet', '-m', 'half done');
    writeFileSync(join(first.worktreePath, 'untracked.txt'), 'x\n');

    const second = await activities.prepareWorktree(unit('api'));

    expect(second.worktreePath).toBe(first.worktreePath);
    expect(await git(second.worktreePath, 'rev-parse', 'HEAD')).toBe(first.baseSha);
    expect(await git(second.worktreePath, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(second.worktreePath, 'untracked.txt'))).toBe(false);
    expect(existsSync(join(second.worktreePath, 'committed.txt'))).toBe(false);
  });

  it.concurrent('prepares again when an earlier worktree directory was deleted behind git\'s back', async () => {
    const { activities, unit } = fixture();
    const first = await activities.prepareWorktree(unit('api'));
    rmSync(first.worktreePath, { recursive: true, force: true });

    const second = await activities.prepareWorktree(unit('api'));

    expect(await git(second.worktreePath, 'symbolic-ref', '--short', 'HEAD')).toBe('aidp/login/api');
  });

  it.concurrent('lands a committed and pushed unit branch in the remote with its file', async () => {
    const { remote, activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));
    mkdirSync(join(wt.worktreePath, 'src'));
    writeFileSync(join(wt.worktreePath, 'src', 'api.ts'), 'export const api = 1;\n');

    const commit = await activities.commitAll({ worktreePath: wt.worktreePath, message: 'Add the API' });
    expect(commit?.filesChanged).toEqual(['src/api.ts']);
    const pushed = await activities.pushBranch({ worktreePath: wt.worktreePath, branch: wt.branch, remoteUrl: remote });

    expect(pushed.sha).toBe(commit?.sha);
    expect(await git(remote, 'rev-parse', 'refs/heads/aidp/login/api')).toBe(commit?.sha);
    expect(await git(remote, 'show', 'aidp/login/api:src/api.ts')).toBe('export const api = 1;');
    expect(await git(remote, 'log', '-1', '--format=%an <%ae>|%s', 'aidp/login/api')).toBe(
      'aidp <aidp@users.noreply.github.com>|Add the API',
    );
  });

  it.concurrent('overwrites its own branch when a restarted unit pushes again', async () => {
    const { remote, activities, unit } = fixture();
    const first = await activities.prepareWorktree(unit('api'));
    writeFileSync(join(first.worktreePath, 'one.txt'), '1\n');
    await activities.commitAll({ worktreePath: first.worktreePath, message: 'one' });
    await activities.pushBranch({ worktreePath: first.worktreePath, branch: first.branch, remoteUrl: remote });

    const second = await activities.prepareWorktree(unit('api'));
    writeFileSync(join(second.worktreePath, 'two.txt'), '2\n');
    const commit = await activities.commitAll({ worktreePath: second.worktreePath, message: 'two' });
    await activities.pushBranch({ worktreePath: second.worktreePath, branch: second.branch, remoteUrl: remote });

    expect(await git(remote, 'rev-parse', 'aidp/login/api')).toBe(commit?.sha);
    expect(await git(remote, 'ls-tree', '--name-only', 'aidp/login/api')).not.toMatch(/one\.txt/);
  });

  it.concurrent('waits out another git process holding the index lock', async () => {
    const { activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));
    writeFileSync(join(wt.worktreePath, 'a.txt'), 'a\n');
    const lock = `${await git(wt.worktreePath, 'rev-parse', '--path-format=absolute', '--git-path', 'index')}.lock`;
    writeFileSync(lock, '');
    const released = new Promise<void>((done) => setTimeout(() => done(rmSync(lock)), 300));

    const commit = await activities.commitAll({ worktreePath: wt.worktreePath, message: 'a' });

    await released;
    expect(commit?.filesChanged).toEqual(['a.txt']);
  });

  /** What another unit's worktree looks like halfway through `git worktree add` or `remove`. */
  async function halfAddedSibling({ activities, unit }: Fixture): Promise<void> {
    const sibling = await activities.prepareWorktree(unit('sibling'));
    writeFileSync(join(await git(sibling.worktreePath, 'rev-parse', '--path-format=absolute', '--git-dir'), 'commondir'), '');
  }

  it.concurrent("reads a worktree's own config while another unit's worktree is half added", async () => {
    const f = fixture();
    const { activities, unit, workDir } = f;
    const wt = await activities.prepareWorktree(unit('api'));
    await halfAddedSibling(f);
    const trust = await openActivityGit({ workDir }).trust();

    expect(await getWorktreeConfig(trust, wt.worktreePath, 'aidp.baseSha')).toBe(wt.baseSha);
    expect(await getWorktreeConfig(trust, wt.worktreePath, 'user.name')).toBe('aidp');
  });

  it.concurrent("commits and counts a unit's changes from its base while another unit's worktree is half added", async () => {
    const f = fixture();
    const { activities, unit } = f;
    const wt = await activities.prepareWorktree(unit('api'));
    writeFileSync(join(wt.worktreePath, 'api.txt'), 'x\n');
    await halfAddedSibling(f);

    const commit = await activities.commitAll({ worktreePath: wt.worktreePath, message: 'Add the API' });

    expect(commit?.filesChanged).toEqual(['api.txt']);
  });

  it.concurrent('commits nothing and answers null when nothing changed', async () => {
    const { activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));

    expect(await activities.commitAll({ worktreePath: wt.worktreePath, message: 'nothing' })).toBeNull();
    expect(await git(wt.worktreePath, 'rev-parse', 'HEAD')).toBe(wt.baseSha);
  });

  it.concurrent('counts a commit the agent made itself among the changed files', async () => {
    const { activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));
    writeFileSync(join(wt.worktreePath, 'by-agent.txt'), 'x\n');
    await git(wt.worktreePath, 'add', '.');
    await git(wt.worktreePath, 'commit', '--quiet', '-m', 'agent commit');
    writeFileSync(join(wt.worktreePath, 'later.txt'), 'y\n');

    const commit = await activities.commitAll({ worktreePath: wt.worktreePath, message: 'unit' });

    expect(commit?.filesChanged).toEqual(['by-agent.txt', 'later.txt']);
  });

  it.concurrent('lists committed, staged, modified, deleted and untracked files but not ignored ones', async () => {
    const { activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));
    const at = (name: string) => join(wt.worktreePath, name);
    writeFileSync(at('committed.txt'), 'c\n');
    await git(wt.worktreePath, 'add', 'committed.txt');
    await git(wt.worktreePath, 'commit', '--quiet', '-m', 'c');
    writeFileSync(at('staged.txt'), 's\n');
    await git(wt.worktreePath, 'add', 'staged.txt');
    writeFileSync(at('README.md'), 'modified\n');
    rmSync(at('LICENSE'));
    writeFileSync(at('untracked.txt'), 'u\n');
    writeFileSync(at('debug.log'), 'ignored\n');

    const files = await activities.changedFiles({ worktreePath: wt.worktreePath, baseSha: wt.baseSha });

    expect(files).toEqual(['LICENSE', 'README.md', 'committed.txt', 'staged.txt', 'untracked.txt']);
  });

  it.concurrent('lists staged, modified, deleted and untracked files with any name while HEAD is the base, but not ignored, kept-out or added-then-deleted ones', async () => {
    const { activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));
    const at = (name: string) => join(wt.worktreePath, name);
    writeFileSync(at('staged.txt'), 's\n');
    writeFileSync(at('gone.txt'), 'g\n');
    await git(wt.worktreePath, 'add', 'staged.txt', 'gone.txt');
    rmSync(at('gone.txt'));
    writeFileSync(at('README.md'), 'modified\n');
    rmSync(at('LICENSE'));
    mkdirSync(at('dir'));
    writeFileSync(at('dir/deep.txt'), 'd\n');
    writeFileSync(at('new\nline.txt'), 'n\n');
    writeFileSync(at('with space.txt'), 'w\n');
    mkdirSync(at('cache'));
    writeFileSync(at('cache/kept-out.txt'), 'k\n');
    writeFileSync(at('debug.log'), 'ignored\n');

    const files = await activities.changedFiles({ worktreePath: wt.worktreePath, baseSha: wt.baseSha, keepOut: ['cache'] });

    expect(files).toEqual(['LICENSE', 'README.md', 'dir/deep.txt', 'new\nline.txt', 'staged.txt', 'with space.txt']);
  });

  it.concurrent('does not count a file staged with a change and then changed back in the working tree', async () => {
    const { activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));
    writeFileSync(join(wt.worktreePath, 'README.md'), 'changed\n');
    await git(wt.worktreePath, 'add', 'README.md');
    writeFileSync(join(wt.worktreePath, 'README.md'), '# remote\n');
    writeFileSync(join(wt.worktreePath, 'other.txt'), 'o\n');

    expect(await activities.changedFiles({ worktreePath: wt.worktreePath, baseSha: wt.baseSha })).toEqual(['other.txt']);
  });

  it.concurrent('prepares again after a finish that removed the worktree but not yet its branch', async () => {
    const { remote, activities, unit } = fixture();
    const first = await activities.prepareWorktree(unit('api'));
    writeFileSync(join(first.worktreePath, 'half.txt'), 'x\n');
    await activities.commitAll({ worktreePath: first.worktreePath, message: 'half' });
    const { mirrorPath } = await activities.ensureMirror({ remoteUrl: remote });
    await git(mirrorPath, 'worktree', 'remove', '--force', first.worktreePath);

    const second = await activities.prepareWorktree(unit('api'));

    expect(await git(second.worktreePath, 'rev-parse', 'aidp/login/api')).toBe(first.baseSha);
    expect(existsSync(join(second.worktreePath, 'half.txt'))).toBe(false);
  });

  it.concurrent('prepares 8 units of one feature at the same moment', async () => {
    const { activities, unit } = fixture();
    const slugs = Array.from({ length: 8 }, (_, i) => `unit-${i + 1}`);

    const worktrees = await Promise.all(slugs.map((slug) => activities.prepareWorktree(unit(slug))));

    expect(new Set(worktrees.map((w) => w.worktreePath)).size).toBe(8);
    for (const [i, wt] of worktrees.entries()) {
      expect(await git(wt.worktreePath, 'symbolic-ref', '--short', 'HEAD')).toBe(`aidp/login/unit-${i + 1}`);
      expect(existsSync(join(wt.worktreePath, 'README.md'))).toBe(true);
    }
  });

  it.concurrent('refuses a unit slug that would leave the work dir, creating nothing', async () => {
    const { workDir, activities, unit } = fixture();
    const failure = await failureOf(activities.prepareWorktree({ ...unit('api'), unitSlug: '../../x' }));

    expect(failure.type).toBe('UnsafePath');
    expect(failure.nonRetryable).toBe(true);
    expect(existsSync(join(workDir, 'x'))).toBe(false);
    expect(existsSync(join(workDir, 'worktrees', 'x'))).toBe(false);
  });

  it.concurrent('leaves alone a live worktree of another repository with the same feature and unit slugs', async () => {
    const { activities, unit } = fixture();
    const mine = await activities.prepareWorktree(unit('api'));
    writeFileSync(join(mine.worktreePath, 'work.txt'), 'in progress\n');
    const other = await createRemote();

    const failure = await failureOf(activities.prepareWorktree({ ...unit('api'), remoteUrl: other }));

    expect(failure.type).toBe('WorktreeConflict');
    expect(readFileSync(join(mine.worktreePath, 'work.txt'), 'utf8')).toBe('in progress\n');
    rmSync(other, { recursive: true, force: true });
  });

  it.concurrent('refuses a worktree path outside its worktrees directory', async () => {
    const { remote, workDir, activities } = fixture();
    for (const worktreePath of [remote, join(workDir, 'worktrees', 'login'), join(workDir, 'mirrors', 'a', 'b')]) {
      const failure = await failureOf(activities.removeWorktree({ worktreePath }));
      expect(failure.type).toBe('UnsafePath');
    }
    expect(existsSync(join(remote, 'README.md'))).toBe(true);
  });

  it.concurrent('names a missing base branch in a non-retryable failure', async () => {
    const { activities, unit } = fixture();
    const failure = await failureOf(activities.prepareWorktree({ ...unit('api'), baseBranch: 'develop' }));

    expect(failure.type).toBe('BaseBranchMissing');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('develop');
  });

  it.concurrent('refuses a remote URL that carries a token, without repeating it', async () => {
    const { activities } = fixture();
    const failure = await failureOf(
      activities.ensureMirror({ remoteUrl: 'https://x-access-token:ghs_secret123@github.com/o/r.git' }),
    );

    expect(failure.type).toBe('UnsafeRemote');
    expect(failure.message).not.toContain('ghs_secret123');
  });

  it.concurrent('force-pushes only aidp branches', async () => {
    const { remote, activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));

    const failure = await failureOf(activities.pushBranch({ worktreePath: wt.worktreePath, branch: 'main', remoteUrl: remote }));

    expect(failure.type).toBe('UnsafeBranch');
    expect(await git(remote, 'rev-parse', 'main')).toBe(wt.baseSha);
  });

  it.concurrent('removes a worktree, its directory and its local branch, and a second removal is fine', async () => {
    const { remote, activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));
    const { mirrorPath } = await activities.ensureMirror({ remoteUrl: remote });

    await activities.removeWorktree({ worktreePath: wt.worktreePath });
    await activities.removeWorktree({ worktreePath: wt.worktreePath });

    expect(existsSync(wt.worktreePath)).toBe(false);
    expect(await git(mirrorPath, 'worktree', 'list', '--porcelain')).not.toContain(wt.worktreePath);
    expect(await git(mirrorPath, 'for-each-ref', '--format=%(refname)', 'refs/heads/aidp')).toBe('');
  });

  it.concurrent('resets a worktree to its base, dropping commits, untracked and ignored files', async () => {
    const { activities, unit } = fixture();
    const wt = await activities.prepareWorktree(unit('api'));
    writeFileSync(join(wt.worktreePath, 'a.txt'), 'a\n');
    await activities.commitAll({ worktreePath: wt.worktreePath, message: 'a' });
    writeFileSync(join(wt.worktreePath, 'b.txt'), 'b\n');
    writeFileSync(join(wt.worktreePath, 'build.log'), 'ignored\n');

    await activities.resetWorktree({ worktreePath: wt.worktreePath, baseSha: wt.baseSha });

    expect(await git(wt.worktreePath, 'rev-parse', 'HEAD')).toBe(wt.baseSha);
    expect(await activities.changedFiles({ worktreePath: wt.worktreePath, baseSha: wt.baseSha })).toEqual([]);
    expect(existsSync(join(wt.worktreePath, 'build.log'))).toBe(false);
  });
});
