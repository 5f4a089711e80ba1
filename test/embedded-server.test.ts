import { afterAll, describe, expect, it } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import type { ResultPromise } from 'execa';
import { spawnCli, runCli, waitForOutput } from './support/cli.js';
import { freePort } from './support/free-port.js';
import { tempDir } from './support/repos.js';

async function startAidpTemporal(env: Record<string, string>): Promise<{ child: ResultPromise; address: string }> {
  const child = spawnCli(['temporal'], env);
  const output = await waitForOutput(child, /Ctrl-C stops it/, 120_000);
  const address = /address: (\S+)/.exec(output)?.[1];
  if (!address) throw new Error(`no address in:\n${output}`);
  return { child, address };
}

async function stop(child: ResultPromise): Promise<number | undefined> {
  child.kill('SIGINT');
  const result = await child;
  return result.exitCode;
}

describe('the embedded Temporal server', () => {
  const children: ResultPromise[] = [];
  // The two tests have their own work dirs and ports: they run side by side (and so without afterEach).
  afterAll(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) await stop(child);
  });

  it.concurrent('keeps a started workflow across a restart of aidp on the same work dir', async () => {
    const env = {
      AIDP_WORKDIR: tempDir('embedded'),
      AIDP_TEMPORAL_PORT: String(await freePort()),
      AIDP_TEMPORAL_UI_PORT: String(await freePort()),
    };
    const first = await startAidpTemporal(env);
    children.push(first.child);
    let connection = await Connection.connect({ address: first.address });
    // No worker polls this queue: the workflow simply stays open in the server's database.
    const handle = await new Client({ connection }).workflow.start('FeatureOrchestrationWorkflow', {
      workflowId: 'survives-restart',
      taskQueue: 'nobody-polls-this',
      args: [],
    });
    await connection.close();
    expect(await stop(first.child)).toBe(0);

    const second = await startAidpTemporal(env);
    children.push(second.child);
    connection = await Connection.connect({ address: second.address });
    const description = await new Client({ connection }).workflow.getHandle('survives-restart').describe();
    await connection.close();
    expect(description.runId).toBe(handle.firstExecutionRunId);
    expect(description.status.name).toBe('RUNNING');
  });

  it.concurrent('is reused by a second aidp on the same work dir instead of failing', async () => {
    const env = {
      AIDP_WORKDIR: tempDir('embedded'),
      AIDP_TEMPORAL_PORT: String(await freePort()),
      AIDP_TEMPORAL_UI_PORT: String(await freePort()),
    };
    const first = await startAidpTemporal(env);
    children.push(first.child);
    const second = await runCli(['temporal'], env);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain(`address: ${first.address}`);
    expect(second.stderr).toMatch(/already running/);
  });
});
