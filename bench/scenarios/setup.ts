import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import { createCheckActivities } from '../../src/activities/checks/check-activities.js';
import { createGitActivities } from '../../src/activities/git/git-activities.js';
import { createSetupActivities, type SetupResult } from '../../src/activities/setup/setup-activities.js';
import type { SetupSettings } from '../../src/domain/setup.js';
import type { SandboxSettings } from '../../src/sandbox/settings.js';
import { median, tempDir, type Figure } from '../support.js';

const RUNS = 5;

/** An npm package with `files` small modules, packed: installed from vendor/ like a registry package. */
async function npmRepo(files: number): Promise<string> {
  const pkg = tempDir('setup-pkg');
  mkdirSync(join(pkg, 'lib'));
  for (let i = 0; i < files; i++) writeFileSync(join(pkg, 'lib', `m${i}.js`), `export const m${i} = ${i};\n`);
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'benchdep', version: '1.0.0', files: ['lib'] }));
  const packed = (await execa('npm', ['pack', '--silent', '--pack-destination', pkg], { cwd: pkg })).stdout.trim().split('\n').pop()!;
  const repo = tempDir('setup-repo');
  mkdirSync(join(repo, 'vendor'));
  await execa('cp', [join(pkg, packed), join(repo, 'vendor', 'benchdep-1.0.0.tgz')]);
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'bench', version: '1.0.0', private: true, dependencies: { benchdep: 'file:vendor/benchdep-1.0.0.tgz' } }));
  writeFileSync(join(repo, '.npmrc'), 'audit=false\nfund=false\nupdate-notifier=false\n');
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  await execa('npm', ['install', '--package-lock-only', '--offline', '--ignore-scripts'], { cwd: repo });
  const git = simpleGit(repo);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'bench');
  await git.addConfig('user.email', 'bench@example.invalid');
  await git.add('.');
  await git.commit('bench npm repo');
  return repo;
}

/** Setup (`npm ci`, in the sandbox) per unit worktree: every time, versus from the host's cache. */
export async function setup(sandboxFor: (workDir: string) => SandboxSettings): Promise<Figure[]> {
  const files = 2000;
  const repo = await npmRepo(files);
  const workDir = tempDir('setup-work');
  const git = createGitActivities({ workDir });
  const checks = createCheckActivities({ workDir, sandbox: sandboxFor(workDir) });
  const activities = createSetupActivities({ workDir, runChecks: checks.runChecks, ...git });
  const env = new MockActivityEnvironment();
  const measure = async (settings: SetupSettings, label: string): Promise<number[]> => {
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const wt: { worktreePath: string } = await env.run(git.prepareWorktree, { remoteUrl: repo, baseBranch: 'main', featureSlug: label, unitSlug: `u${i}`, branch: `aidp/${label}/u${i}` });
      const result: SetupResult = await env.run(activities.runSetup, { worktreePath: wt.worktreePath, remoteUrl: repo, setup: settings, fillCache: true });
      if (!result.ok) throw new Error(result.failure);
      ms.push(result.durationMs);
      await env.run(git.removeWorktree, { worktreePath: wt.worktreePath });
    }
    return ms;
  };
  const commands = [{ command: 'npm ci', timeout_seconds: 300 }];
  const uncached = await measure({ commands, network: { allow: [] } }, 'nocache');
  // The first run fills the cache (the baseline does this in a feature); the rest are hits.
  const cached = (await measure({ commands, cache: { key_files: ['package-lock.json'], paths: ['node_modules'] }, network: { allow: [] } }, 'cache')).slice(1);
  const scenario = `setup per unit (npm ci, ${files.toLocaleString('en')}-file dependency)`;
  return [
    { scenario, figure: `npm ci every time, median of ${RUNS}`, value: median(uncached), unit: 'ms' },
    { scenario, figure: `from the host cache, median of ${RUNS - 1}`, value: median(cached), unit: 'ms' },
    { scenario, figure: 'cached / uncached', value: Number((median(cached) / median(uncached)).toFixed(2)), unit: 'x' },
  ];
}
