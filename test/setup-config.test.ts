import { describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRepoConfig } from '../src/config/load-repo-config.js';
import { runSetup } from '../src/activities/setup/run-setup.js';
import type { CheckResult, NamedCheckConfig } from '../src/activities/checks/run-checks.js';
import { featureSettings } from '../src/workflows/feature-settings.js';
import { checksThatCouldNotStart } from '../src/workflows/environment-failure.js';
import { tempDir } from './support/repos.js';
import { configErrorOf } from './support/failures.js';

describe('setup in .github/aidp.yml', () => {
  it('takes a plain list of commands, each with the default timeout and no cache', () => {
    const settings = featureSettings(parseRepoConfig('setup: [npm ci, { command: make deps, timeout_seconds: 60 }]\n'));
    expect(settings.setup).toEqual({
      commands: [
        { command: 'npm ci', timeout_seconds: 900 },
        { command: 'make deps', timeout_seconds: 60 },
      ],
      network: { allow: [] },
    });
  });

  it('takes commands with a cache and the hosts setup may reach', () => {
    const config = parseRepoConfig(
      'setup:\n  commands: [npm ci]\n  cache: { key_files: [package-lock.json], paths: [node_modules/] }\nsandbox:\n  network:\n    setup_allow: [registry.npmjs.org]\n',
    );
    expect(featureSettings(config).setup).toEqual({
      commands: [{ command: 'npm ci', timeout_seconds: 900 }],
      cache: { key_files: ['package-lock.json'], paths: ['node_modules'] },
      network: { allow: ['registry.npmjs.org'] },
    });
  });

  it('refuses cache paths outside the repository, naming the field', () => {
    const message = configErrorOf(() => parseRepoConfig('setup:\n  commands: [npm ci]\n  cache: { key_files: [package-lock.json], paths: [../elsewhere] }\n'));
    expect(message).toMatch(/setup/);
    expect(message).toMatch(/inside the repository/);
  });
});

describe('the setup cache', () => {
  const setup = { commands: [{ command: 'install', timeout_seconds: 60 }], cache: { key_files: ['lock.json'], paths: ['deps'] }, network: { allow: [] } };

  /** Runs "install" by writing deps/installed.txt with the lockfile's content, counting runs. */
  function fakeInstall(ran: string[]) {
    return async (cwd: string, commands: NamedCheckConfig[]): Promise<CheckResult[]> => {
      ran.push(cwd);
      mkdirSync(join(cwd, 'deps'), { recursive: true });
      writeFileSync(join(cwd, 'deps', 'installed.txt'), readFileSync(join(cwd, 'lock.json')));
      return commands.map((c) => ({ ...c, passed: true, exitCode: 0, timedOut: false, durationMs: 1, outputTail: '' }));
    };
  }

  function worktree(lock: string): string {
    const dir = tempDir('setup-wt');
    writeFileSync(join(dir, 'lock.json'), lock);
    return dir;
  }

  it('installs once per lockfile: the next worktree gets a copy, a changed lockfile installs again', async () => {
    const workDir = tempDir('setup-work');
    const ran: string[] = [];
    const deps = { workDir, runCommands: fakeInstall(ran) };
    const first = await runSetup(deps, { worktreePath: worktree('v1'), scope: 'repo', setup, fillCache: true });
    const second = worktree('v1');
    const again = await runSetup(deps, { worktreePath: second, scope: 'repo', setup, fillCache: true });
    const changed = await runSetup(deps, { worktreePath: worktree('v2'), scope: 'repo', setup, fillCache: true });

    expect([first.cache, first.saved, again.cache, changed.cache]).toEqual(['miss', true, 'hit', 'miss']);
    expect(ran).toHaveLength(2);
    expect(readFileSync(join(second, 'deps', 'installed.txt'), 'utf8')).toBe('v1');
  });

  it('never fills the cache from a worktree that may hold agent-written files', async () => {
    const workDir = tempDir('setup-work');
    const ran: string[] = [];
    const deps = { workDir, runCommands: fakeInstall(ran) };
    const onFeatureBranch = await runSetup(deps, { worktreePath: worktree('v1'), scope: 'repo', setup, fillCache: false });
    const next = await runSetup(deps, { worktreePath: worktree('v1'), scope: 'repo', setup, fillCache: true });

    expect([onFeatureBranch.cache, onFeatureBranch.saved, next.cache]).toEqual(['miss', undefined, 'miss']);
  });

  it('reports the failing command and fills no cache when setup fails', async () => {
    const workDir = tempDir('setup-work');
    const failing = async (_cwd: string, commands: NamedCheckConfig[]): Promise<CheckResult[]> =>
      commands.map((c) => ({ ...c, passed: false, exitCode: 1, timedOut: false, durationMs: 1, outputTail: 'E404 not found' }));
    const result = await runSetup({ workDir, runCommands: failing }, { worktreePath: worktree('v1'), scope: 'repo', setup, fillCache: true });
    const retried = await runSetup({ workDir, runCommands: fakeInstall([]) }, { worktreePath: worktree('v1'), scope: 'repo', setup, fillCache: true });

    expect(result.ok).toBe(false);
    expect(result.failure).toMatch(/`install` exited with code 1[\s\S]*E404 not found/);
    expect(retried.cache).toBe('miss');
  });
});

describe('checks that cannot start', () => {
  const check = { name: 'test', command: 'npm test', required: true, passed: false, outputTail: 'sh: 1: mocha: not found' };

  it('are told apart from failing checks by exit codes 126 and 127', () => {
    expect(checksThatCouldNotStart([{ ...check, exitCode: 127 }])).toMatch(/check "test" \(`npm test`\) could not start a program \(exit 127: not found\)[\s\S]*mocha: not found/);
    expect(checksThatCouldNotStart([{ ...check, exitCode: 1 }])).toBeUndefined();
    expect(checksThatCouldNotStart([{ ...check, exitCode: 127, required: false }])).toBeUndefined();
  });
});
