import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { loadRepoConfigFromGit } from '../src/activities/git/repo-config-at-ref.js';
import { loadRepoConfigFile, parseRepoConfig } from '../src/config/load-repo-config.js';
import { DEFAULT_REPO_CONFIG } from '../src/config/repo-config.js';
import { namedChecks } from '../src/workflows/feature-settings.js';
import { configErrorOf } from './support/failures.js';

async function repoWithConfig(yaml: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'aidp-repo-config-'));
  const git = simpleGit(dir);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'aidp test').addConfig('user.email', 'test@aidp.invalid');
  writeFileSync(join(dir, 'README.md'), '# test\n');
  if (yaml) {
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github', 'aidp.yml'), yaml);
  }
  await git.add('.').commit('initial');
  return dir;
}

describe('parseRepoConfig', () => {
  it('gives the defaults for an empty file', () => {
    expect(parseRepoConfig('')).toEqual(DEFAULT_REPO_CONFIG);
  });

  it('gives the defaults for a file of comments only', () => {
    expect(parseRepoConfig('# nothing set yet\n')).toEqual(DEFAULT_REPO_CONFIG);
  });

  it('keeps the values it is given and fills the rest with defaults', () => {
    const config = parseRepoConfig('concurrency: 8\nchecks:\n  test:\n    command: npm test\n');
    expect(config).toEqual({
      ...DEFAULT_REPO_CONFIG,
      concurrency: 8,
      checks: { test: { command: 'npm test', timeout_seconds: 600, required: true } },
    });
  });

  it('takes checks of any name and keeps them in the order written', () => {
    const config = parseRepoConfig('checks:\n  vet: { command: go vet ./... }\n  typecheck: { command: tsc }\n  build: { command: make }\n');
    expect(namedChecks(config).map((c) => c.name)).toEqual(['vet', 'typecheck', 'build']);
  });

  it('names a check name that is not a word, and what a name may be', () => {
    expect(configErrorOf(() => parseRepoConfig('checks:\n  "1st": { command: make }\n'))).toBe(
      'Invalid .github/aidp.yml: checks.1st is not a valid name: a check name is a letter followed by letters, digits, "-" or "_" (at most 40)',
    );
  });

  it('names the field and its whole range when a number is out of range', () => {
    expect(configErrorOf(() => parseRepoConfig('concurrency: 0\n'))).toBe(
      'Invalid .github/aidp.yml: concurrency must be an integer between 1 and 100 (got 0)',
    );
  });

  it('names the full path of a nested bad field', () => {
    expect(configErrorOf(() => parseRepoConfig('agents:\n  providers:\n    - preset: gpt\n'))).toBe(
      'Invalid .github/aidp.yml: agents.providers[0].preset must be one of claude, codex, gemini, aider, opencode, cursor-agent, copilot, command (got "gpt")',
    );
  });

  it('names an unknown setting and lists the allowed ones', () => {
    expect(configErrorOf(() => parseRepoConfig('merge:\n  treshold: 0.5\n'))).toBe(
      'Invalid .github/aidp.yml: merge.treshold is not a known setting (allowed: threshold)',
    );
  });

  it('puts a custom message of the schema after the field path', () => {
    expect(configErrorOf(() => parseRepoConfig('agents:\n  providers:\n    - preset: command\n'))).toBe(
      'Invalid .github/aidp.yml: agents.providers[0].command is required when preset is "command"',
    );
  });

  it('lists every problem of a file in one line', () => {
    const message = configErrorOf(() => parseRepoConfig('concurrency: many\nmax_iterations: 0\nlabels:\n  build: ""\n'));
    expect(message).toBe(
      'Invalid .github/aidp.yml: concurrency must be an integer between 1 and 100 (got "many"); ' +
        'max_iterations must be an integer between 1 and 50 (got 0); labels.build must not be empty (got "")',
    );
  });

  it('reports a YAML syntax error on one line with its position', () => {
    expect(configErrorOf(() => parseRepoConfig('concurrency: 2\nconcurrency: 3\n'))).toBe(
      'Invalid .github/aidp.yml: YAML syntax error: Map keys must be unique at line 2, column 1',
    );
  });

  it('refuses a file whose top level is not a mapping', () => {
    expect(configErrorOf(() => parseRepoConfig('- claude\n'))).toBe('Invalid .github/aidp.yml: top level must be a mapping (got ["claude"])');
  });

  it('names the source it was given', () => {
    expect(configErrorOf(() => parseRepoConfig('concurrency: 0', 'custom.yml'))).toMatch(/^Invalid custom\.yml: concurrency /);
  });
});

describe('loadRepoConfigFromGit', () => {
  it('reads the file committed at the ref, not the working tree', async () => {
    const dir = await repoWithConfig('concurrency: 3\n');
    writeFileSync(join(dir, '.github', 'aidp.yml'), 'concurrency: 9\n');
    expect((await simpleGit(dir).status()).modified).toEqual(['.github/aidp.yml']);
    expect((await loadRepoConfigFromGit(dir, 'main')).concurrency).toBe(3);
  });

  it('reads the file as it was at an older commit', async () => {
    const dir = await repoWithConfig('concurrency: 3\n');
    const git = simpleGit(dir);
    const first = (await git.revparse(['HEAD'])).trim();
    writeFileSync(join(dir, '.github', 'aidp.yml'), 'concurrency: 7\n');
    await git.add('.').commit('more units');
    expect([(await loadRepoConfigFromGit(dir, first)).concurrency, (await loadRepoConfigFromGit(dir, 'main')).concurrency]).toEqual([3, 7]);
  });

  it('gives the defaults when the ref has no config file, even if the working tree has one', async () => {
    const dir = await repoWithConfig('');
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github', 'aidp.yml'), 'concurrency: 9\n');
    expect(await loadRepoConfigFromGit(dir, 'main')).toEqual(DEFAULT_REPO_CONFIG);
  });

  it('names the file and the ref when the committed config is invalid', async () => {
    const dir = await repoWithConfig('concurrency: 0\n');
    await expect(loadRepoConfigFromGit(dir, 'main')).rejects.toThrow(
      'Invalid .github/aidp.yml at main: concurrency must be an integer between 1 and 100 (got 0)',
    );
  });

  it('refuses a ref that does not exist', async () => {
    const dir = await repoWithConfig('');
    await expect(loadRepoConfigFromGit(dir, 'no-such-branch')).rejects.toThrow(/no-such-branch/);
  });
});

describe('loadRepoConfigFile', () => {
  it('reads a config file from a path', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aidp-repo-config-')), 'aidp.yml');
    writeFileSync(file, 'max_iterations: 2\n');
    expect((await loadRepoConfigFile(file)).max_iterations).toBe(2);
  });

  it('names a config file that does not exist', async () => {
    const file = join(tmpdir(), 'aidp-no-such-config.yml');
    await expect(loadRepoConfigFile(file)).rejects.toThrow(`Invalid ${file}: cannot read the file (ENOENT)`);
  });
});
