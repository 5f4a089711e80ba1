import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import type { FeatureResult } from '../src/workflows/feature-orchestration/messages.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';
import { bundleWorkflows } from './support/temporal.js';
import { scriptedProviders } from './support/scripted-agent.js';

const titles = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
const id = (prefix: string, i: number) => `${prefix.toLowerCase().replace(/ /g, '-')}-${i}`;

/** The repository's own checks, run on a checkout of the feature branch. */
async function checksPassOn(repo: string, branch: string): Promise<boolean> {
  const dir = join(tempDir('checkout'), 'wt');
  await simpleGit(repo).raw(['worktree', 'add', '--detach', dir, branch]);
  const run = await execa('node', ['scripts/check-units.mjs'], { cwd: dir, reject: false });
  await simpleGit(repo).raw(['worktree', 'remove', '--force', dir]);
  return run.exitCode === 0;
}

async function filesOn(repo: string, branch: string, dir: string): Promise<string[]> {
  const out = await simpleGit(repo).raw(['ls-tree', '--name-only', `${branch}:${dir}`]).catch(() => '');
  return out.trim().split('\n').filter(Boolean);
}

describe('merging units into one feature branch', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.concurrent('merges 6 units touching different files into a feature branch that holds all 6 and passes its checks', async () => {
    const repo = await createTestRepo();
    const handle = await harness.startFeature(repo, taskListSpec('Six parts', titles('Part', 6)), {
      providers: scriptedProviders('--write'),
      concurrency: 5,
    });
    const result: FeatureResult = await handle.result();

    expect(result.status).toBe('completed');
    expect(result.merge?.status).toBe('merged');
    expect(result.merge?.merged).toHaveLength(6);
    expect(result.featureBranch).toBe(`aidp/${result.featureSlug}/feature`);
    expect(await filesOn(repo, result.featureBranch, 'units')).toHaveLength(6);
    expect(await checksPassOn(repo, result.featureBranch)).toBe(true);
    const summary = readFileSync(result.merge!.summaryPath!, 'utf8');
    for (const title of titles('Part', 6)) expect(summary).toContain(title);
  });

  it.concurrent('hands a conflict on the same lines to the resolver agent and merges its resolution', async () => {
    const repo = await createTestRepo();
    // Two units, both replacing shared.txt: the second merge conflicts (a third unit would show nothing more).
    const handle = await harness.startFeature(repo, taskListSpec('Same lines', titles('Clash', 2)), {
      providers: scriptedProviders(`--write --resolve --shared-units ${id('Clash', 1)},${id('Clash', 2)}`),
    });
    const result: FeatureResult = await handle.result();

    expect(result.merge?.merged).toHaveLength(2);
    expect(result.merge?.resolved).toHaveLength(1);
    const shared = await simpleGit(repo).show([`${result.featureBranch}:shared.txt`]);
    expect(shared).toContain(id('Clash', 1));
    expect(shared).toContain(id('Clash', 2));
    expect(shared).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
  });

  it.concurrent('records a conflict the resolver cannot fix, leaves no marker in the feature branch and merges the others', async () => {
    const repo = await createTestRepo();
    // Knots 1 and 2 conflict; the others merged are knot 1 and knot 3, which touches nothing shared.
    const handle = await harness.startFeature(repo, taskListSpec('Unresolved', titles('Knot', 3)), {
      providers: scriptedProviders(`--write --shared-units ${id('Knot', 1)},${id('Knot', 2)}`),
    });
    const result: FeatureResult = await handle.result();

    expect(result.merge?.merged).toHaveLength(2);
    expect(result.merge?.conflicts).toHaveLength(1);
    expect(result.merge?.conflicts[0]?.files).toEqual(['shared.txt']);
    const grep = await execa('git', ['grep', '-n', '-E', '^(<<<<<<<|>>>>>>>)', result.featureBranch], { cwd: repo, reject: false });
    expect(grep.stdout).toBe('');
    expect(await checksPassOn(repo, result.featureBranch)).toBe(true);
  });

  it.concurrent('reverts a unit whose merge breaks the checks, and the feature branch still passes them', async () => {
    const repo = await createTestRepo();
    const handle = await harness.startFeature(repo, taskListSpec('Breaker', titles('Piece', 3)), {
      providers: scriptedProviders(`--write --exclusive-units ${id('Piece', 1)},${id('Piece', 2)}`),
    });
    const result: FeatureResult = await handle.result();

    expect(result.merge?.merged).toHaveLength(2);
    expect(result.merge?.reverted).toHaveLength(1);
    expect(result.merge?.reverted[0]?.check).toBe('test');
    expect(result.merge?.reverted[0]?.outputTail).toMatch(/exclusive files clash/);
    expect(await filesOn(repo, result.featureBranch, 'exclusive')).toHaveLength(1);
    expect(await checksPassOn(repo, result.featureBranch)).toBe(true);
  });

  it.concurrent('reports insufficient_merges when fewer units merged than the threshold asks', async () => {
    const repo = await createTestRepo();
    // One of two merged (0.5) is fewer than the 0.8 asked, as three of five were.
    const handle = await harness.startFeature(repo, taskListSpec('One of two', titles('Share', 2)), {
      providers: scriptedProviders(`--write --fail-units ${id('Share', 2)}`),
      maxIterations: 1,
      mergeThreshold: 0.8,
      concurrency: 5,
    });
    const result: FeatureResult = await handle.result();

    expect(result.merge?.merged).toHaveLength(1);
    expect(result.merge?.status).toBe('insufficient_merges');
    expect(result.status).toBe('insufficient_merges');
    const summary = readFileSync(result.merge!.summaryPath!, 'utf8');
    expect(summary).toMatch(/1 of 2/);
  });

  it.concurrent('merges a dependency first, and does not merge a unit whose dependency failed, saying why', async () => {
    const repo = await createTestRepo();
    const spec = [
      '# Layers',
      '```aidp-units',
      '- id: base\n  title: The base layer',
      '- id: top\n  title: The top layer\n  depends_on: [base]',
      '- id: broken\n  title: A broken layer',
      '- id: above-broken\n  title: Above the broken layer\n  depends_on: [broken]',
      '```',
    ].join('\n');
    const handle = await harness.startFeature(repo, spec, {
      providers: scriptedProviders('--write --fail-units broken'),
      maxIterations: 1,
      mergeThreshold: 0.5,
    });
    const result: FeatureResult = await handle.result();

    expect(result.merge?.merged).toEqual(['base', 'top']);
    expect(result.merge?.skipped).toEqual([{ unitId: 'above-broken', reason: 'depends on "broken", which failed' }]);
    const log = await simpleGit(repo).raw(['log', '--format=%s', '--first-parent', result.featureBranch]);
    expect(log.indexOf('The base layer')).toBeGreaterThan(log.indexOf('The top layer'));
  });
});
