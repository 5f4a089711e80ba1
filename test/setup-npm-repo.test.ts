import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { simpleGit } from 'simple-git';
import { starts } from './support/agent-log.js';
import { startHarness, type Harness } from './support/harness.js';
import { createNpmRepo } from './support/npm-repo.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';
import { scriptedProviders } from './support/scripted-agent.js';

const CHECKS = 'checks:\n  test: { command: npm test, timeout_seconds: 120 }\n';
const UNITS = ['Add the parser', 'Add the printer'];

/** Every path a branch holds under node_modules (none, when aidp kept the setup's output out). */
async function nodeModulesIn(repo: string, branch: string): Promise<string[]> {
  const files = await simpleGit(repo).raw(['ls-tree', '-r', '--name-only', branch]);
  return files.split('\n').filter((f) => f.startsWith('node_modules'));
}

describe('a feature on an npm repository with setup', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('completes every unit when `setup: [npm ci]` installs the test runner, and commits no node_modules even when they are not ignored', async () => {
    const repo = await createNpmRepo({ aidpYml: `concurrency: 3\nmax_iterations: 2\nsetup: [npm ci]\n${CHECKS}`, gitignore: false });
    const logDir = agentIoDir('log');
    const handle = await harness.startFeature(repo, taskListSpec('Npm feature', UNITS), { providers: scriptedProviders(`--write --log ${logDir}`) });
    const result = await handle.result();

    expect(result.error).toBeUndefined();
    expect(result.units.map((u) => [u.status, u.iterations])).toEqual(UNITS.map(() => ['completed', 1]));
    expect(result.units.map((u) => u.setup?.cache)).toEqual(UNITS.map(() => 'off'));
    for (const unit of result.units) expect(await nodeModulesIn(repo, unit.branch)).toEqual([]);
    expect(await nodeModulesIn(repo, result.featureBranch)).toEqual([]);
    expect(result.merge?.merged).toHaveLength(UNITS.length);
    process.stdout.write(`setup per unit, uncached (npm ci): ${result.units.map((u) => u.setup?.durationMs).join(', ')} ms\n`);
  });

  it('copies node_modules from the host cache the baseline filled, so no unit runs npm ci', async () => {
    const setup = 'setup:\n  commands: [npm ci]\n  cache: { key_files: [package-lock.json], paths: [node_modules] }\n';
    const repo = await createNpmRepo({ aidpYml: `concurrency: 3\nmax_iterations: 2\n${setup}${CHECKS}` });
    const logDir = agentIoDir('log');
    const handle = await harness.startFeature(repo, taskListSpec('Cached feature', UNITS), { providers: scriptedProviders(`--write --log ${logDir}`) });
    const result = await handle.result();

    expect(result.units.map((u) => u.status)).toEqual(UNITS.map(() => 'completed'));
    expect(result.units.map((u) => u.setup?.cache)).toEqual(UNITS.map(() => 'hit'));
    for (const unit of result.units) expect(await nodeModulesIn(repo, unit.branch)).toEqual([]);
    process.stdout.write(`setup per unit, from the cache: ${result.units.map((u) => u.setup?.durationMs).join(', ')} ms\n`);
  });

  it('stops the feature at the baseline, before any agent, when the checks fail on the untouched base', async () => {
    const repo = await createNpmRepo({ aidpYml: `concurrency: 3\nmax_iterations: 2\n${CHECKS}` });
    const sha = (await simpleGit(repo).revparse(['main'])).trim();
    const logDir = agentIoDir('log');
    const handle = await harness.startFeature(repo, taskListSpec('No setup', UNITS), { providers: scriptedProviders(`--write --log ${logDir}`) });
    const result = await handle.result();

    expect(result.status).toBe('failed');
    expect(result.units).toEqual([]);
    expect(result.error).toContain(`checks fail on main@${sha.slice(0, 12)}`);
    expect(result.error).toMatch(/minirun: not found/);
    expect(result.error).toMatch(/setup: \[npm ci\]/);
    expect(starts(logDir)).toEqual([]);
  });

  it('fails a unit at once when its agent CLI is not installed, naming the program and the worker, without another iteration', async () => {
    const repo = await createTestRepo({ aidpYml: 'max_iterations: 3\n' });
    const handle = await harness.startFeature(repo, taskListSpec('No agent CLI', ['Only part']), {
      providers: [{ preset: 'command', command: 'aidp-no-such-agent-cli --go', args: [] }],
    });
    const result = await handle.result();

    const [unit] = result.units;
    expect(unit?.status).toBe('failed');
    expect(unit?.error).toMatch(/^environment failure: agent CLI "aidp-no-such-agent-cli" is not installed on worker \S+/);
    expect(unit?.iterations).toBe(0);
  });
});

