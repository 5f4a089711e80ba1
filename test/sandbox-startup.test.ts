import { describe, expect, it } from '@jest/globals';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { AIDP_BIN, cleanEnv, runCli, SCRIPTED_AGENT, temporalCliEnv } from './support/cli.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';

const cliEnv = () => temporalCliEnv('sandbox-cli');

describe('starting a worker without a usable sandbox', () => {
  it('refuses with exit 2 and says how to fix it when bwrap is not installed', async () => {
    // A PATH holding node and nothing else: no bwrap to find.
    const bin = tempDir('bin');
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = await execa(process.execPath, [AIDP_BIN, 'worker'], {
      env: { ...cleanEnv(await cliEnv()), PATH: bin },
      extendEnv: false,
      reject: false,
      timeout: 60_000,
      stdin: 'ignore',
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/the agent sandbox cannot start/);
    expect(result.stderr).toMatch(/apt-get install bubblewrap/);
    expect(result.stderr).toMatch(/unprivileged_userns_clone/);
    expect(result.stderr).toMatch(/AIDP_SANDBOX=off/);
    expect(result.stderr).not.toMatch(/worker on/);
  });
});

describe('aidp run with AIDP_SANDBOX=off', () => {
  it('builds the feature and warns on its output that agents ran unsandboxed', async () => {
    const repo = await createTestRepo();
    const result = await runCli(
      ['run', '--repo', repo, '--text', taskListSpec('Off run', ['Only thing']), '--agent-command', `node ${SCRIPTED_AGENT} --write`, '--json'],
      { ...(await cliEnv()), AIDP_SANDBOX: 'off' },
      120_000,
    );

    expect(result.exitCode).toBe(0);
    expect((JSON.parse(result.stdout) as { status: string }).status).toBe('completed');
    expect(result.stderr).toMatch(/warning: AIDP_SANDBOX=off: agents and checks run unsandboxed/);
  });
});
