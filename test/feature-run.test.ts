import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { simpleGit } from 'simple-git';
import { AIDP_KIND, AIDP_REPOSITORY } from '../src/domain/search-attributes.js';
import { retryUnits } from '../src/features/feature-client.js';
import { listRuns } from '../src/temporal/run-list.js';
import { hopCounts } from '../bench/hop-report.js';
import { agentEvents, maxConcurrentAgents, starts } from './support/agent-log.js';
import { SCRIPTED_AGENT } from './support/cli.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';

function agent(flags: string) {
  return [{ preset: 'command' as const, command: `node ${SCRIPTED_AGENT} ${flags}`, args: [] }];
}

const eight = Array.from({ length: 8 }, (_, i) => `Unit number ${i + 1}`);

/** Unit ids no branch or directory name can take as they are (each a unit of the long feature, titled `Do <id>`). */
const hostile = [
  '../x',
  '$(touch pwned)',
  `it's "quoted"`,
  'spaces and\ttabs',
  'ünïcødé 🚀 名前',
  'x'.repeat(300),
  '--force',
  'refs/heads/main',
];
const parts = Array.from({ length: 8 }, (_, i) => `long-feature-part-${i + 1}`);

/** The 16-unit feature of the continue-as-new and hostile-name tests: what they look at once it has finished. */
interface LongFeature {
  repo: string;
  logDir: string;
  /** A directory that exists while the feature runs, where no agent may create anything. */
  probe: string;
  handle: Awaited<ReturnType<Harness['startFeature']>>;
  result: Awaited<ReturnType<Awaited<ReturnType<Harness['startFeature']>>['result']>>;
}

/**
 * 16 units at concurrency 4: long enough for the test server's 120-event suggestion (the first run
 * takes about 14 units). Eight parts first, then the eight hostile ids, which so also cross the
 * continue-as-new in the carried state.
 */
async function runLongFeature(harness: Harness): Promise<LongFeature> {
  const repo = await createTestRepo();
  const logDir = agentIoDir('log');
  const probe = tempDir('probe');
  const spec = [
    '# Long feature',
    '',
    '```aidp-units',
    ...parts.map((id, i) => `- id: ${id}\n  title: Long feature part ${i + 1}`),
    ...hostile.map((id) => `- id: ${JSON.stringify(id)}\n  title: ${JSON.stringify(`Do ${id}`)}`),
    '```',
    '',
  ].join('\n');
  const handle = await harness.startFeature(repo, spec, { providers: agent(`--write --log ${logDir}`), concurrency: 4 });
  return { repo, logDir, probe, handle, result: await handle.result() };
}

// The tests share one harness and run at once (each on its own repository, log dir and feature):
// most of a feature's time is spent waiting on agents, git and Temporal, not on the CPU.
describe('a feature built by parallel agents', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  let longFeature: Promise<LongFeature>;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle });
    // Started here, looked at by its own describe below: it runs while the other tests do.
    longFeature = runLongFeature(harness);
    longFeature.catch(() => undefined);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.concurrent('completes 8 units at concurrency 4, each on its own branch with its agent commit, never more than 4 agents at once', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    const handle = await harness.startFeature(repo, taskListSpec('Eight units', eight), {
      // Long enough that more than four agents would overlap if the cap let them; and the first
      // agent waits for a second to start, so at least two overlap however loaded the machine is.
      providers: agent(`--write --sleep 1500 --await-starts 2 --log ${logDir}`),
      concurrency: 4,
    });
    const result = await handle.result();

    expect(result.status).toBe('completed');
    expect(result.units.map((u) => u.status)).toEqual(Array(8).fill('completed'));
    const git = simpleGit(repo);
    for (const unit of result.units) {
      const subject = (await git.raw(['log', '-1', '--format=%s', unit.branch])).trim();
      expect(subject).toBe(unit.spec.title);
      const files = (await git.raw(['diff', '--name-only', `main...${unit.branch}`])).trim().split('\n');
      expect(files).toEqual(unit.filesChanged);
      expect(files.every((f) => f.startsWith('units/'))).toBe(true);
    }
    expect(maxConcurrentAgents(agentEvents(logDir))).toBeLessThanOrEqual(4);
    expect(maxConcurrentAgents(agentEvents(logDir))).toBeGreaterThan(1);
  });

  it.concurrent('runs a unit that passes at once in two activities and at most six workflow tasks, counted from the histories', async () => {
    const repo = await createTestRepo();
    const handle = await harness.startFeature(repo, taskListSpec('Counted hops', ['First', 'Second', 'Third', 'Fourth']), {
      providers: agent('--write'),
      concurrency: 4,
      maxIterations: 1,
    });
    const result = await handle.result();
    expect(result.completed).toBe(4);

    const counts = await hopCounts(harness.client, handle.workflowId);
    expect(counts.units).toBe(4);
    // prepare (the host claim folded in), then one iteration: agent, checks and finish (commit, push, cleanup).
    expect(counts.unitActivities).toBe(2);
    expect(counts.workflowTasksPerUnit).toBeLessThanOrEqual(6);
  });

  it.concurrent('fails only the unit whose agent fails, says why, and a retry after the fix runs that unit alone', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    const marker = join(agentIoDir('marker'), 'fixed');
    // Five units, all at once: the broken one fails alongside four that pass (4 of 5 meets the
    // default 0.8 merge threshold, so the run is partial rather than short of merges).
    const units = eight.slice(0, 5);
    const broken = 'unit-number-3';
    const handle = await harness.startFeature(repo, taskListSpec('One broken unit', units), {
      providers: agent(`--write --log ${logDir} --fail-units ${broken} --fixed-marker ${marker}`),
      concurrency: 5,
      maxIterations: 2,
    });
    const first = await handle.result();
    expect(first.status).toBe('partial');
    const failed = first.units.filter((u) => u.status === 'failed');
    expect(failed.map((u) => u.spec.id)).toEqual([broken]);
    expect(failed[0]?.error).toMatch(/gave up after 2 iteration/);
    expect(failed[0]?.error).toMatch(/exit/);
    expect(first.completed).toBe(4);

    const startsBefore = agentEvents(logDir).filter((e) => e.event === 'start').length;
    writeFileSync(marker, 'the agent is fixed');
    const { retried, newRun } = await retryUnits(harness.client, handle.workflowId, []);
    expect(retried).toEqual([broken]);
    expect(newRun).toBe(true);
    const second = await harness.client.workflow.getHandle(handle.workflowId).result();

    expect(second.status).toBe('completed');
    const newStarts = agentEvents(logDir).filter((e) => e.event === 'start').slice(startsBefore);
    expect(new Set(newStarts.map((e) => e.unit))).toEqual(new Set([broken]));
    for (const unit of units.map((_, i) => `unit-number-${i + 1}`).filter((id) => id !== broken)) {
      expect(starts(logDir, unit)).toHaveLength(1);
    }
  });

  describe('a feature long enough that Temporal suggests continuing as new', () => {
    let repo: string;
    let logDir: string;
    let handle: LongFeature['handle'];
    let result: LongFeature['result'];
    beforeAll(async () => {
      ({ repo, logDir, handle, result } = await longFeature);
    }, 120_000);

    it('continues as new, keeping every unit and running none twice', async () => {
      expect(result.status).toBe('completed');
      expect(result.completed).toBe(16);
      const runs = [];
      for await (const run of harness.client.workflow.list({ query: `WorkflowId = "${handle.workflowId}"` })) runs.push(run);
      expect(runs.length).toBeGreaterThan(1);
      expect(runs.filter((r) => r.status.name === 'CONTINUED_AS_NEW').length).toBe(runs.length - 1);
      expect(result.units.map((u) => u.spec.id)).toEqual([...parts, ...hostile]);
      for (const id of [...parts, ...hostile]) expect(starts(logDir, id)).toHaveLength(1);
    });

    it('keeps its search attributes and is listed once, with its title', async () => {
      const last = await harness.client.workflow.getHandle(handle.workflowId).describe();
      expect(last.raw.workflowExecutionInfo?.firstRunId).not.toBe(last.runId);
      expect([last.typedSearchAttributes.get(AIDP_KIND), last.typedSearchAttributes.get(AIDP_REPOSITORY)]).toEqual(['feature', basename(repo).toLowerCase()]);

      const runs = await listRuns(harness.client, { repository: basename(repo), kind: 'feature' }, 20);
      expect(runs.map(({ runId, status, title }) => ({ runId, status, title }))).toEqual([{ runId: last.runId, status: 'completed', title: 'Long feature' }]);
    });
  });

  it.concurrent('gives hostile unit ids and titles safe branch and directory names and evaluates nothing', async () => {
    // The long feature's units: its eight parts beside the eight hostile ones show the names are unique across them too.
    const { repo, probe, result } = await longFeature;
    const pwnedIn = [process.cwd(), repo, harness.workDir, probe];

    expect(result.units.filter((u) => hostile.includes(u.spec.id)).map((u) => u.status)).toEqual(Array(hostile.length).fill('completed'));
    const git = simpleGit(repo);
    for (const unit of result.units) {
      expect(unit.branch).toMatch(/^aidp\/[a-z0-9-]+\/[a-z0-9-]+$/);
      await expect(git.raw(['check-ref-format', '--branch', unit.branch])).resolves.toBeDefined();
      expect((await git.raw(['rev-parse', '--verify', unit.branch])).trim()).toBe(unit.commitSha);
    }
    expect(new Set(result.units.map((u) => u.branch)).size).toBe(result.units.length);
    for (const dir of pwnedIn) expect(existsSync(join(dir, 'pwned'))).toBe(false);
    for (const unit of result.units) expect(unit.filesChanged.some((f) => f.includes('pwned'))).toBe(false);
    expect(existsSync(join(repo, '..', 'x'))).toBe(false);
  }, 120_000);
});
