import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTemporalProcessors, type TemporalProcessors } from '../src/processors/temporal-processors.js';
import { runListQuery } from '../src/temporal/run-list.js';
import { waitFor } from './support/agent-log.js';
import { terminateRunningWorkflows } from './support/cleanup.js';
import { runCli } from './support/cli.js';
import { tempDir } from './support/repos.js';
import { connectToTestServer, testServerAddress, type TestTemporal } from './support/temporal.js';

const env = () => ({ AIDP_ENGINE: 'temporal', TEMPORAL_ADDRESS: testServerAddress(), AIDP_WORKDIR: tempDir('cli-status-list') });

describe('aidp status without an id', () => {
  let temporal: TestTemporal;
  let processors: TemporalProcessors;
  beforeAll(async () => {
    temporal = await connectToTestServer();
    processors = createTemporalProcessors({ client: temporal.client });
  });
  afterAll(async () => {
    await terminateRunningWorkflows(temporal.client);
    await temporal?.close();
  });

  // Every test lists its own repository (or none): they run side by side.
  /** Builds of a repository no other test uses, started by the processor (no worker runs them). */
  async function startBuilds(issues: Array<{ number: number; title: string }>): Promise<{ repository: string; ids: string[] }> {
    const owner = `list-${randomUUID().slice(0, 8)}`;
    const ids = [];
    for (const issue of issues) {
      const started = await processors.startBuild({
        owner,
        repo: 'app',
        installationId: 1,
        cloneUrl: 'http://127.0.0.1:9/none.git',
        defaultBranch: 'main',
        issueNumber: issue.number,
        title: issue.title,
        body: '- [ ] x',
        requestedBy: 'octocat',
      });
      ids.push(started.workflowId);
    }
    const repository = `${owner}/app`;
    // Visibility is eventually consistent: wait until the list answers with every run.
    await waitFor(async () => {
      let seen = 0;
      for await (const _run of temporal.client.workflow.list({ query: runListQuery({ repository }) })) seen++;
      return seen === ids.length;
    }, 30_000, `${ids.length} runs of ${repository} in the list`);
    return { repository, ids };
  }

  it.concurrent('lists the runs of a repository newest first with kind, issue, status and title', async () => {
    const { repository, ids } = await startBuilds([
      { number: 3, title: 'Older issue' },
      { number: 4, title: 'Newer issue' },
    ]);

    const result = await runCli(['status', '--repo', repository], env());
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+REPOSITORY\s+ISSUE\/PR\s+STATUS\s+STARTED\s+TITLE$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/).filter((cell, i) => i !== 5))).toEqual([
      [ids[1], 'build', repository, '#4', 'running', 'Newer issue'],
      [ids[0], 'build', repository, '#3', 'running', 'Older issue'],
    ]);
  });

  it.concurrent('--status keeps only the runs in that state', async () => {
    const { repository, ids } = await startBuilds([
      { number: 5, title: 'Stopped' },
      { number: 6, title: 'Going on' },
    ]);
    await temporal.client.workflow.getHandle(ids[0] ?? '').terminate('test: a finished run');
    await waitFor(async () => {
      for await (const _run of temporal.client.workflow.list({ query: runListQuery({ repository, status: 'terminated' }) })) return true;
      return false;
    }, 30_000, 'the terminated run in the list');

    const result = await runCli(['status', '--repo', repository, '--status', 'terminated', '--json'], env());
    expect(result.exitCode).toBe(0);
    const runs = JSON.parse(result.stdout) as Array<{ workflowId: string; status: string; issue: number; requester: string }>;
    expect(runs.map(({ workflowId, status, issue, requester }) => ({ workflowId, status, issue, requester }))).toEqual([
      { workflowId: ids[0], status: 'terminated', issue: 5, requester: 'octocat' },
    ]);
  });

  it.concurrent('a repository with no runs prints that nothing matches', async () => {
    const result = await runCli(['status', '--repo', `nobody-${randomUUID().slice(0, 8)}/none`], env());
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('no aidp runs match');
  });

  it.concurrent('list filters with an id are refused with exit 2', async () => {
    const result = await runCli(['status', 'aidp/local/x/y', '--status', 'running'], env());
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe('aidp: --repo, --status, --kind and --limit list runs: leave out the id');
  });

  it.concurrent('--help describes listing and its filters', async () => {
    const result = await runCli(['status', '--help'], env());
    expect(result.exitCode).toBe(0);
    for (const words of ['list aidp runs, newest first', '--repo <owner/name>', '--status <state>', '--kind <kind>', '--limit <n>', '(default 20)', '"cancelled"', 'the Web UI filters on them']) {
      expect(result.stdout).toContain(words);
    }
  });
});
