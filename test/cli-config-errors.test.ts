import { describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { runCli } from './support/cli.js';
import { freePort } from './support/free-port.js';
import { createTestRepo, tempDir } from './support/repos.js';

// Each test is its own CLI process on its own work dir and nothing else: they run side by side.
describe('aidp refuses bad configuration with one clear line', () => {
  it.concurrent('names AIDP_ENGINE and its allowed values when the engine is unknown', async () => {
    const result = await runCli(['start'], { AIDP_ENGINE: 'foo', AIDP_WORKDIR: tempDir('cfg') });
    expect(result.exitCode).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/AIDP_ENGINE/);
    expect(lines[0]).toMatch(/embedded/);
    expect(lines[0]).toMatch(/temporal/);
  });

  it.concurrent('says Temporal did not answer when TEMPORAL_ADDRESS points nowhere', async () => {
    const port = await freePort();
    const result = await runCli(['worker'], { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, AIDP_WORKDIR: tempDir('cfg') }, 30_000);
    expect(result.exitCode).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`127.0.0.1:${port}`);
    expect(lines[0]).toMatch(/did not answer/);
  });

  it.concurrent('names the bad field of an invalid .github/aidp.yml on the base branch', async () => {
    const repo = await createTestRepo({ aidpYml: 'concurrency: 0\n' });
    const result = await runCli(['run', '--repo', repo, '--text', '- [ ] one'], { AIDP_WORKDIR: tempDir('cfg') });
    expect(result.exitCode).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/aidp\.yml/);
    expect(lines[0]).toMatch(/concurrency/);
  });

  it.concurrent('reads .github/aidp.yml from the base branch, not from uncommitted edits', async () => {
    const repo = await createTestRepo({ aidpYml: 'concurrency: 0\n' });
    mkdirSync(join(repo, '.github'), { recursive: true });
    writeFileSync(join(repo, '.github', 'aidp.yml'), 'concurrency: 2\n');
    expect((await simpleGit(repo).status()).modified).toContain('.github/aidp.yml');
    const result = await runCli(['run', '--repo', repo, '--text', '- [ ] one'], { AIDP_WORKDIR: tempDir('cfg') });
    expect(result.stderr).toMatch(/concurrency/);
    expect(result.exitCode).toBe(2);
  });

  it.concurrent('answers --help with every command', async () => {
    const result = await runCli(['--help'], {});
    expect(result.exitCode).toBe(0);
    for (const command of ['start', 'server', 'worker', 'temporal', 'run', 'exec', 'status', 'pause', 'resume', 'cancel', 'retry', 'concurrency']) {
      expect(result.stdout).toMatch(new RegExp(`\\n\\s+${command}\\b`));
    }
  });
});
