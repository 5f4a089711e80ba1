import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startHarness, TEST_SECRETS, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { agentIoDir, livePidsMentioning } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';
import { scriptedProviders } from './support/scripted-agent.js';

describe('agents run contained', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    // The worker's own environment holds the app's secrets, as a real deployment's does.
    Object.assign(process.env, TEST_SECRETS, { INNOCENT_LOOKING_VAR: TEST_SECRETS.WEBHOOK_SECRET });
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle });
  });
  afterAll(async () => {
    await harness?.close();
    for (const key of [...Object.keys(TEST_SECRETS), 'INNOCENT_LOOKING_VAR']) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
  });

  it('kills a hanging agent and its children at the timeout, and the unit fails saying so', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    const handle = await harness.startFeature(repo, taskListSpec('Hang', ['Never finishes']), {
      providers: scriptedProviders(`--hang --log ${logDir}`),
      agentTimeoutMs: 3000,
      maxIterations: 1,
    });
    const result = await handle.result();

    expect(result.status).toBe('failed');
    expect(result.units[0]?.error).toMatch(/timed out after 3 ?s/);
    const pidFiles = readdirSync(logDir).filter((f) => f.startsWith('grandchild-'));
    expect(pidFiles).toHaveLength(1);
    // The agent, its grandchild (whose code names the log dir) and their sandbox are all gone.
    expect(livePidsMentioning(logDir)).toEqual([]);
  });

  it('gives agents an environment without the private key, webhook secret or tokens', async () => {
    const repo = await createTestRepo();
    const names = Object.keys(TEST_SECRETS).join(',');
    const handle = await harness.startFeature(repo, taskListSpec('Secrets', ['Look around']), {
      // Exit 3 (a failed unit) if any secret is visible by name or by value.
      providers: scriptedProviders(
        `--write --assert-no-secrets ${names} --assert-no-value ${TEST_SECRETS.WEBHOOK_SECRET} --require-env AIDP_PROMPT_FILE,AIDP_UNIT_ID,AIDP_ITERATION,AIDP_WORKTREE`,
      ),
      maxIterations: 1,
    });
    const result = await handle.result();
    expect(result.units[0]?.error).toBeUndefined();
    expect(result.status).toBe('completed');
  });

  it('fails a unit whose agent changes nothing, saying so instead of reporting it complete', async () => {
    const repo = await createTestRepo();
    const handle = await harness.startFeature(repo, taskListSpec('Lazy', ['Do nothing']), {
      providers: scriptedProviders('--noop'),
      maxIterations: 2,
    });
    const result = await handle.result();
    expect(result.status).toBe('failed');
    expect(result.units[0]?.error).toBe('the agent changed no files in 2 iteration(s)');
  });
});
