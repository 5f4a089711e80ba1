import { MockActivityEnvironment } from '@temporalio/testing';
import { execa } from 'execa';
import { join } from 'node:path';
import { createGitActivities } from '../../src/activities/git/git-activities.js';
import { benchRepo, median, tempDir, type Figure } from '../support.js';

/** A unit's worktree from a warm mirror versus a fresh clone, on a 5,000-file repository. */
export async function worktrees(): Promise<Figure[]> {
  const repo = await benchRepo({ files: 5000 });
  const git = createGitActivities({ workDir: tempDir('wt-work') });
  const env = new MockActivityEnvironment();
  await env.run(git.ensureMirror, { remoteUrl: repo });
  const worktreeMs: number[] = [];
  const cloneMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = Date.now();
    const wt: { worktreePath: string } = await env.run(git.prepareWorktree, { remoteUrl: repo, baseBranch: 'main', featureSlug: 'bench', unitSlug: `u${i}`, branch: `aidp/bench/u${i}` });
    worktreeMs.push(Date.now() - t);
    await env.run(git.removeWorktree, { worktreePath: wt.worktreePath });
    t = Date.now();
    await execa('git', ['clone', '--quiet', repo, join(tempDir('clone'), 'c')]);
    cloneMs.push(Date.now() - t);
  }
  const ratio = median(worktreeMs) / median(cloneMs);
  return [
    { scenario: 'worktrees (5,000 files)', figure: 'worktree from warm mirror, median of 5', value: median(worktreeMs), unit: 'ms' },
    { scenario: 'worktrees (5,000 files)', figure: 'fresh git clone, median of 5', value: median(cloneMs), unit: 'ms' },
    { scenario: 'worktrees (5,000 files)', figure: 'worktree / clone', value: Number(ratio.toFixed(2)), unit: 'x' },
  ];
}
