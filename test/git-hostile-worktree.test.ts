import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGitActivities } from '../src/activities/git/git-activities.js';
import { createMergeActivities } from '../src/activities/merge/merge-activities.js';
import { WORKTREE_TAMPERED } from '../src/domain/failure-types.js';
import { createRemote, failureOf, git, Markers } from './support/hostile-git.js';
import { tempDir } from './support/repos.js';

/**
 * aidp's own git treats a worktree as hostile: what an agent plants there (or, with the sandbox
 * off, in the worktree's git dir under the mirror) never runs. The "agent" here is the test
 * writing files; every planted program leaves a marker when run.
 */
describe("aidp's git in a worktree an agent tampered with", () => {
  let remote: string;
  let workDir: string;
  let markers: Markers;
  let activities: ReturnType<typeof createGitActivities>;
  const unit = (unitSlug = 'api') => ({ remoteUrl: remote, baseBranch: 'main', featureSlug: 'login', unitSlug, branch: `aidp/login/${unitSlug}` });
  const gitDirOf = (worktreePath: string) => git(worktreePath, 'rev-parse', '--path-format=absolute', '--git-dir');
  const commonDirOf = (worktreePath: string) => git(worktreePath, 'rev-parse', '--path-format=absolute', '--git-common-dir');

  beforeEach(async () => {
    remote = await createRemote();
    workDir = realpathSync(tempDir('hostile-work'));
    markers = new Markers();
    activities = createGitActivities({ workDir });
  });
  afterEach(() => {
    for (const dir of [remote, workDir, markers.dir]) rmSync(dir, { recursive: true, force: true });
  });

  it("runs none of the hooks planted in the worktree's git dir and the mirror, and still commits, lists, pushes and resets", async () => {
    const wt = await activities.prepareWorktree(unit());
    markers.hooksDir(join(await gitDirOf(wt.worktreePath), 'hooks'), 'worktree');
    markers.hooksDir(join(await commonDirOf(wt.worktreePath), 'hooks'), 'mirror');
    writeFileSync(join(wt.worktreePath, 'feature.txt'), 'x\n');

    expect(await activities.changedFiles({ worktreePath: wt.worktreePath, baseSha: wt.baseSha })).toEqual(['feature.txt']);
    const commit = await activities.commitAll({ worktreePath: wt.worktreePath, message: 'unit' });
    await activities.pushBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/api', remoteUrl: remote });
    await activities.resetWorktree({ worktreePath: wt.worktreePath, baseSha: wt.baseSha });
    await activities.removeWorktree({ worktreePath: wt.worktreePath });

    expect(commit?.filesChanged).toEqual(['feature.txt']);
    expect(await git(remote, 'rev-parse', 'aidp/login/api')).toBe(commit?.sha);
    expect(markers.ran()).toEqual([]);
  });

  const worktreeConfigAttacks: [string, (m: Markers, wt: string) => string][] = [
    ['core.fsmonitor', (m) => `[core]\n\tfsmonitor = ${m.program('fsmonitor', 'exit 1')}\n`],
    ['core.hooksPath', (m, wt) => `[core]\n\thooksPath = ${m.hooksDir(join(wt, '.hooks'), 'hookspath')}\n`],
    ['core.pager', (m) => `[core]\n\tpager = ${m.program('pager')}\n`],
    ['a filter driver', (m) => `[filter "evil"]\n\tclean = ${m.program('clean')}\n\tsmudge = ${m.program('smudge')}\n`],
    ['a textconv diff driver', (m) => `[diff "evil"]\n\ttextconv = ${m.program('textconv')}\n\tcommand = ${m.program('diffcmd')}\n`],
    ['an include of another file', (m, wt) => {
      writeFileSync(join(wt, 'inc.cfg'), `[core]\n\tfsmonitor = ${m.program('included', 'exit 1')}\n`);
      return `[include]\n\tpath = ${join(wt, 'inc.cfg')}\n`;
    }],
  ];

  it.each(worktreeConfigAttacks)("refuses a worktree whose config.worktree sets %s, and runs nothing", async (_name, attack) => {
    const wt = await activities.prepareWorktree(unit());
    writeFileSync(join(wt.worktreePath, '.gitattributes'), '* filter=evil diff=evil merge=evil\n');
    writeFileSync(join(wt.worktreePath, 'feature.txt'), 'x\n');
    appendFileSync(join(await gitDirOf(wt.worktreePath), 'config.worktree'), attack(markers, wt.worktreePath));

    const refused = await failureOf(activities.commitAll({ worktreePath: wt.worktreePath, message: 'unit' }));
    const listing = await failureOf(activities.changedFiles({ worktreePath: wt.worktreePath, baseSha: wt.baseSha }));

    expect(refused.type).toBe(WORKTREE_TAMPERED);
    expect(refused.nonRetryable).toBe(true);
    expect(refused.message).toContain('config.worktree');
    expect(listing.type).toBe(WORKTREE_TAMPERED);
    expect(markers.ran()).toEqual([]);
  });

  it("refuses a filter driver set in the mirror's shared config (what `git config` in a worktree writes), and runs nothing", async () => {
    const wt = await activities.prepareWorktree(unit());
    await git(wt.worktreePath, 'config', 'filter.evil.clean', markers.program('clean'));
    writeFileSync(join(wt.worktreePath, '.gitattributes'), '* filter=evil\n');

    const refused = await failureOf(activities.commitAll({ worktreePath: wt.worktreePath, message: 'unit' }));

    expect(refused.type).toBe(WORKTREE_TAMPERED);
    expect(refused.message).toContain('filter.evil.clean');
    expect(markers.ran()).toEqual([]);
  });

  it('refuses a .git replaced by a directory with hooks and fsmonitor, and still removes the worktree', async () => {
    const wt = await activities.prepareWorktree(unit());
    const { mirrorPath } = await activities.ensureMirror({ remoteUrl: remote });
    const dotGit = join(wt.worktreePath, '.git');
    rmSync(dotGit);
    await git(wt.worktreePath, 'init', '--quiet');
    markers.hooksDir(join(dotGit, 'hooks'), 'replaced');
    await git(wt.worktreePath, 'config', 'core.fsmonitor', markers.program('fsmonitor', 'exit 1'));

    const refused = await failureOf(activities.commitAll({ worktreePath: wt.worktreePath, message: 'unit' }));
    await activities.removeWorktree({ worktreePath: wt.worktreePath });

    expect(refused.type).toBe(WORKTREE_TAMPERED);
    expect(refused.message).toContain('.git is a dir');
    expect(markers.ran()).toEqual([]);
    expect(existsSync(wt.worktreePath)).toBe(false);
    expect(await git(mirrorPath, 'worktree', 'list', '--porcelain')).not.toContain(wt.worktreePath);
  });

  it("refuses a .git file pointing at the agent's own git dir", async () => {
    const wt = await activities.prepareWorktree(unit());
    const own = join(wt.worktreePath, '.own-git');
    await git(tempDir('unused'), 'init', '--quiet', '--separate-git-dir', own);
    markers.hooksDir(join(own, 'hooks'), 'own');
    writeFileSync(join(wt.worktreePath, '.git'), `gitdir: ${own}\n`);

    const refused = await failureOf(activities.commitAll({ worktreePath: wt.worktreePath, message: 'unit' }));

    expect(refused.type).toBe(WORKTREE_TAMPERED);
    expect(refused.message).toContain("outside aidp's mirrors");
    expect(markers.ran()).toEqual([]);
  });

  it("refuses a .git file pointing at another worktree's git dir, and a .git that is a symlink", async () => {
    const mine = await activities.prepareWorktree(unit('api'));
    const other = await activities.prepareWorktree(unit('ui'));
    writeFileSync(join(mine.worktreePath, '.git'), `gitdir: ${await gitDirOf(other.worktreePath)}\n`);
    const pointedElsewhere = await failureOf(activities.commitAll({ worktreePath: mine.worktreePath, message: 'unit' }));
    rmSync(join(other.worktreePath, '.git'));
    symlinkSync(join(mine.worktreePath, '.git'), join(other.worktreePath, '.git'));
    const symlinked = await failureOf(activities.changedFiles({ worktreePath: other.worktreePath, baseSha: other.baseSha }));

    expect(pointedElsewhere.type).toBe(WORKTREE_TAMPERED);
    expect(pointedElsewhere.message).toContain('belongs to another worktree');
    expect(symlinked.type).toBe(WORKTREE_TAMPERED);
    expect(symlinked.message).toContain('symlink');
  });

  it("runs no driver, hook or fsmonitor from the worker's own user and system config", async () => {
    const global = join(markers.dir, '..', `${markers.dir.split('/').pop()}-global.cfg`);
    writeFileSync(
      global,
      [
        `[core]\n\tfsmonitor = ${markers.program('global-fsmonitor', 'exit 1')}`,
        `\thooksPath = ${markers.hooksDir(join(markers.dir, '..', `${markers.dir.split('/').pop()}-hooks`), 'global')}`,
        `[filter "evil"]\n\tclean = ${markers.program('global-clean')}`,
        `[diff "evil"]\n\ttextconv = ${markers.program('global-textconv')}`,
        '',
      ].join('\n'),
    );
    const saved = process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_GLOBAL = global;
    try {
      const fresh = createGitActivities({ workDir });
      const wt = await fresh.prepareWorktree(unit());
      writeFileSync(join(wt.worktreePath, '.gitattributes'), '* filter=evil diff=evil\n');
      writeFileSync(join(wt.worktreePath, 'README.md'), 'changed\n');

      const commit = await fresh.commitAll({ worktreePath: wt.worktreePath, message: 'unit' });

      expect(commit?.filesChanged).toEqual(['.gitattributes', 'README.md']);
      expect(markers.ran()).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = saved;
    }
  });

  it("never looks into a nested repository the agent made, whose config runs a filter", async () => {
    const wt = await activities.prepareWorktree(unit());
    const nested = join(wt.worktreePath, 'vendor');
    mkdirSync(nested);
    await git(nested, 'init', '--quiet');
    writeFileSync(join(nested, '.gitattributes'), '* filter=evil\n');
    writeFileSync(join(nested, 'lib.txt'), 'lib\n');
    await git(nested, 'add', '.');
    await git(nested, '-c', 'user.name=agent', '-c', 'user.email=agent@example.invalid', 'commit', '--quiet', '-m', 'vendor');
    await git(nested, 'config', 'filter.evil.clean', markers.program('nested-clean'));
    markers.hooksDir(join(nested, '.git', 'hooks'), 'nested');

    writeFileSync(join(wt.worktreePath, 'app.txt'), 'app\n');

    const first = await activities.commitAll({ worktreePath: wt.worktreePath, message: 'with vendor' });
    appendFileSync(join(nested, 'lib.txt'), 'changed\n');
    writeFileSync(join(wt.worktreePath, 'app.txt'), 'app 2\n');
    const files = await activities.changedFiles({ worktreePath: wt.worktreePath, baseSha: wt.baseSha });
    const second = await activities.commitAll({ worktreePath: wt.worktreePath, message: 'again' });

    expect(first?.filesChanged).toContain('app.txt');
    expect(files).toContain('app.txt');
    expect(second?.filesChanged).toContain('app.txt');
    expect(markers.ran()).toEqual([]);
  });

  describe('in a merge worktree', () => {
    it('runs no planted hook while merging, concluding a conflict and pushing', async () => {
      const clone = tempDir('hostile-clone');
      await git(clone, 'clone', '--quiet', remote, '.');
      for (const [branch, text] of [['aidp/login/a', 'a\n'], ['aidp/login/b', 'b\n']]) {
        await git(clone, 'checkout', '--quiet', '-B', branch!, 'origin/main');
        writeFileSync(join(clone, 'notes.txt'), text!);
        await git(clone, '-c', 'user.name=u', '-c', 'user.email=u@example.invalid', 'commit', '--quiet', '-am', branch!);
        await git(clone, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
      }
      const merge = createMergeActivities({ workDir });
      const wt = await merge.prepareMergeWorktree({ remoteUrl: remote, baseBranch: 'main', featureSlug: 'login', featureBranch: 'aidp/login/feature' });
      markers.hooksDir(join(await gitDirOf(wt.worktreePath), 'hooks'), 'worktree');
      markers.hooksDir(join(await commonDirOf(wt.worktreePath), 'hooks'), 'mirror');

      await merge.diffStats({ worktreePath: wt.worktreePath, baseSha: wt.baseSha, branches: ['aidp/login/a', 'aidp/login/b'] });
      expect((await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/a', message: 'a' })).status).toBe('merged');
      expect((await merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/b', message: 'b' })).status).toBe('conflict');
      writeFileSync(join(wt.worktreePath, 'notes.txt'), 'a and b\n');
      await merge.concludeMerge({ worktreePath: wt.worktreePath, message: 'b resolved' });
      const pushed = await merge.pushFeatureBranch({ worktreePath: wt.worktreePath, branch: 'aidp/login/feature', remoteUrl: remote });
      await merge.removeMergeWorktree({ worktreePath: wt.worktreePath });

      expect(await git(remote, 'rev-parse', 'aidp/login/feature')).toBe(pushed.sha);
      expect(markers.ran()).toEqual([]);
      rmSync(clone, { recursive: true, force: true });
    });

    it('refuses a merge worktree whose config.worktree sets a merge driver, and runs nothing', async () => {
      const merge = createMergeActivities({ workDir });
      const wt = await merge.prepareMergeWorktree({ remoteUrl: remote, baseBranch: 'main', featureSlug: 'login', featureBranch: 'aidp/login/feature' });
      writeFileSync(join(wt.worktreePath, '.gitattributes'), '* merge=evil\n');
      appendFileSync(join(await gitDirOf(wt.worktreePath), 'config.worktree'), `[merge "evil"]\n\tdriver = ${markers.program('merge-driver', 'exit 0')}\n`);

      const refused = await failureOf(merge.mergeBranch({ worktreePath: wt.worktreePath, branch: 'main', message: 'x' }));

      expect(refused.type).toBe(WORKTREE_TAMPERED);
      expect(readFileSync(join(await gitDirOf(wt.worktreePath), 'config.worktree'), 'utf8')).toContain('merge "evil"');
      expect(markers.ran()).toEqual([]);
    });
  });
});
