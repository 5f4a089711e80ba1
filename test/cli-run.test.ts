import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { simpleGit } from 'simple-git';
import { runCli, SCRIPTED_AGENT, temporalCliEnv } from './support/cli.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';

/** `aidp run` against the run's dev server, with a worker in its own process (none serves this work dir). */
const cliEnv = () => temporalCliEnv('cli');
const CHECKS = 'checks:\n  test:\n    command: node scripts/check-units.mjs\n    timeout_seconds: 60\n';

describe('aidp run', () => {
  it('builds a feature and prints one JSON object with the units, the feature branch and the summary', async () => {
    const repo = await createTestRepo();
    const result = await runCli(
      ['run', '--repo', repo, '--text', taskListSpec('Json run', ['First thing', 'Second thing']), '--agent-command', `node ${SCRIPTED_AGENT} --write`, '--json'],
      await cliEnv(),
      120_000,
    );
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown> & { units: Array<Record<string, unknown>> };
    expect(out.status).toBe('completed');
    expect(out.workflowId).toMatch(/^aidp\/local\//);
    expect(out.featureBranch).toBe('aidp/json-run/feature');
    expect([...(out.merged as string[])].sort()).toEqual(['first-thing', 'second-thing']);
    expect(out.units.map((u) => [u.id, u.title, u.status, u.branch, u.iterations, u.error])).toEqual([
      ['first-thing', 'First thing', 'completed', 'aidp/json-run/first-thing', 1, undefined],
      ['second-thing', 'Second thing', 'completed', 'aidp/json-run/second-thing', 1, undefined],
    ]);
    expect(existsSync(out.pr as string)).toBe(true);
    expect(readFileSync(out.pr as string, 'utf8')).toContain('Second thing');
  });

  it('exits 1 when a unit fails, naming it and why', async () => {
    // One unit of two merged is a partial result (not too few merges) at this threshold.
    const repo = await createTestRepo({ aidpYml: `merge:\n  threshold: 0.5\n${CHECKS}` });
    const result = await runCli(
      [
        'run', '--repo', repo, '--text', taskListSpec('Half run', ['Good part', 'Bad part']),
        '--agent-command', `node ${SCRIPTED_AGENT} --write --fail-units bad-part`, '--max-iterations', '1', '--json',
      ],
      await cliEnv(),
      120_000,
    );
    expect(result.exitCode).toBe(1);
    const out = JSON.parse(result.stdout) as { status: string; units: Array<{ id: string; status: string; error?: string }> };
    expect(out.status).toBe('partial');
    expect(out.units.find((u) => u.id === 'bad-part')).toMatchObject({ status: 'failed', error: expect.stringMatching(/exit/) });
  });

  it('exits 2 with one line when the spec is missing', async () => {
    const repo = await createTestRepo();
    const result = await runCli(['run', '--repo', repo], await cliEnv());
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['aidp: say what to build: --spec FILE or --text TEXT']);
  });

  it('exits 2 when --repo is not a git repository', async () => {
    const result = await runCli(['run', '--repo', tempDir('not-git'), '--text', '- [ ] x'], await cliEnv());
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/not a git repository/);
  });
});

describe('aidp exec', () => {
  it('runs one work loop and leaves the change on a branch to review', async () => {
    const repo = await createTestRepo();
    const result = await runCli(
      ['exec', '--repo', repo, '--text', 'Add a unit file', '--agent-command', `node ${SCRIPTED_AGENT} --write`, '--json'],
      await cliEnv(),
      120_000,
    );
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(result.stdout) as { status: string; iterations: number; branch: string; filesChanged: string[] };
    expect(out).toMatchObject({ status: 'passed', iterations: 1, branch: 'aidp/exec/add-a-unit-file' });
    const files = await simpleGit(repo).raw(['diff', '--name-only', 'main', out.branch]);
    expect(files.trim().split('\n')).toEqual(out.filesChanged);
  });
});
