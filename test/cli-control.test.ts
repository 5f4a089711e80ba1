import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { orchestrationStatusQuery } from '../src/domain/feature-status.js';
import { starts } from './support/agent-log.js';
import { runCli } from './support/cli.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { bundleWorkflows, testServerAddress } from './support/temporal.js';
import { waitFor } from './support/wait-for.js';
import { holdFile, scriptedProviders } from './support/scripted-agent.js';

const env = () => ({ AIDP_ENGINE: 'temporal', TEMPORAL_ADDRESS: testServerAddress(), AIDP_WORKDIR: tempDir('cli-control') });

describe('aidp commands on a running feature', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('status, pause, concurrency and resume act on the run and say what they did', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    // The agents work until the commands below are done: the run is running whenever they act.
    const hold = holdFile();
    const handle = await harness.startFeature(repo, taskListSpec('Steer from the CLI', ['One', 'Two', 'Three']), {
      providers: scriptedProviders(`--write --wait-for ${hold.path} --log ${logDir}`),
      concurrency: 1,
    });
    await waitFor(() => starts(logDir).length >= 1, 30_000, 'a first agent');
    const id = handle.workflowId;

    // Side by side while the first agent works: none of the three changes what the others check.
    const [status, pause, refused] = await Promise.all([
      runCli(['status', id, '--json'], env()),
      runCli(['pause', id], env()),
      runCli(['concurrency', id, '0'], env()),
    ]);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ workflowId: id, total_units: 3, concurrency: 1 });

    expect(pause.exitCode).toBe(0);
    expect(pause.stdout).toContain(`aidp resume ${id}`);
    expect((await handle.query(orchestrationStatusQuery)).paused).toBe(true);

    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toBe('aidp: concurrency must be an integer from 1 to 100 (got "0")');

    const widen = await runCli(['concurrency', id, '3'], env());
    expect(widen.exitCode).toBe(0);
    expect((await handle.query(orchestrationStatusQuery)).concurrency).toBe(3);

    expect((await runCli(['resume', id], env())).exitCode).toBe(0);
    hold.release();
    expect((await handle.result()).status).toBe('completed');
  });

  // The two refusals touch no run and no worker: they run side by side.
  it.concurrent('status of an unknown id is one line and exit 2', async () => {
    const result = await runCli(['status', 'aidp/local/nothing-here/none'], env());
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe('aidp: no feature run with id aidp/local/nothing-here/none');
  });

  it.concurrent('run --detach refuses when no worker outlives the command', async () => {
    const repo = await createTestRepo();
    const result = await runCli(['run', '--repo', repo, '--text', '- [ ] x', '--detach'], env());
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--detach needs a worker/);
  });
});
