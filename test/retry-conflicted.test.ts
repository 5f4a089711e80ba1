import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { simpleGit } from 'simple-git';
import { retryUnits } from '../src/features/feature-client.js';
import type { FeatureResult } from '../src/workflows/feature-orchestration/messages.js';
import { SCRIPTED_AGENT } from './support/cli.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { bundleWorkflows } from './support/temporal.js';

describe('retrying a unit whose merge conflicted', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('runs it again on top of the feature branch, where it merges cleanly', async () => {
    const repo = await createTestRepo();
    // Both units replace shared.txt, and no agent resolves conflicts: the second merge conflicts.
    const agent = `node ${SCRIPTED_AGENT} --write --shared-units part-one,part-two`;
    const handle = await harness.startFeature(repo, taskListSpec('Shared', ['Part one', 'Part two']), {
      providers: [{ preset: 'command', command: agent, args: [] }],
      maxIterations: 1,
      concurrency: 2,
    });
    const first: FeatureResult = await handle.result();
    expect(first.merge?.conflicts).toHaveLength(1);
    const conflicted = first.merge!.conflicts[0]!.unitId;
    const featureHead = (await simpleGit(repo).revparse([first.featureBranch])).trim();

    const { retried } = await retryUnits(harness.client, handle.workflowId, []);
    const second: FeatureResult = await harness.client.workflow.getHandle(handle.workflowId).result();

    expect(retried).toEqual([conflicted]);
    expect(second.merge?.merged.sort()).toEqual(['part-one', 'part-two']);
    expect(second.merge?.conflicts).toEqual([]);
    const unitBranch = second.units.find((u) => u.spec.id === conflicted)!.branch;
    const onTop = await simpleGit(repo).raw(['merge-base', '--is-ancestor', featureHead, unitBranch]).then(() => true, () => false);
    expect(onTop).toBe(true);
  });
});
