import { describe, expect, it } from '@jest/globals';
import { finalComment } from '../src/workflows/build-processor/final-comment.js';
import type { FeatureResult } from '../src/workflows/feature-orchestration/messages.js';
import type { UnitState, UnitStatus } from '../src/domain/feature-status.js';
import type { MergeResult } from '../src/workflows/merge-orchestration/messages.js';

function unit(id: string, status: UnitStatus): UnitState {
  return { spec: { id, slug: id, title: `Title ${id}`, description: '', dependsOn: [] }, status, branch: `aidp/f/${id}`, iterations: 1, runs: 1, filesChanged: [], agentMs: 0 };
}

function result(units: UnitState[], merge: Partial<MergeResult> | undefined, extra: Partial<FeatureResult> = {}): FeatureResult {
  const merged = merge?.merged ?? [];
  const count = (s: UnitStatus) => units.filter((u) => u.status === s).length;
  return {
    status: 'partial',
    title: 'Widgets',
    total_units: units.length,
    completed: count('completed'),
    in_progress: 0,
    failed: count('failed'),
    pending: 0,
    cancelled: count('cancelled'),
    progress_percent: 50,
    concurrency: 2,
    paused: false,
    unit_details: units.map((u) => ({ id: u.spec.id, title: u.spec.title, status: u.status, branch: u.branch, iterations: u.iterations })),
    featureSlug: 'issue-7-widgets',
    featureBranch: 'aidp/issue-7-widgets/feature',
    units,
    merge: merge && { status: 'merged', featureBranch: 'aidp/issue-7-widgets/feature', resolved: [], conflicts: [], reverted: [], skipped: [], ...merge, merged },
    request: {
      title: 'Widgets',
      featureSlug: 'issue-7-widgets',
      specText: '',
      repo: { remoteUrl: 'https://github.com/o/r.git', baseBranch: 'main' },
      decomposeCwd: '',
      settings: { providers: [], agentTimeoutMs: 1000, checks: [], maxIterations: 1, concurrency: 2, conventions: '', mergeThreshold: 0.8 },
    },
    carried: { units, instructions: [], concurrency: 2, paused: false, merged },
    ...extra,
  };
}

describe('the final status comment', () => {
  it('says there is no PR because too few units merged, and how to run the failed one again', () => {
    const text = finalComment(result([unit('a', 'completed'), unit('b', 'failed')], { status: 'insufficient_merges', merged: ['a'] }, { status: 'insufficient_merges' }), {
      uiUrl: 'http://ui/wf',
      elapsedMs: 125_000,
    });

    expect(text.split('\n')[0]).toBe('**No PR: 1 of 2 units merged, below the 80% threshold.** The merged units are in `aidp/issue-7-widgets/feature`.');
    expect(text).toContain('Next: comment `/aidp retry` on this issue to run `b` again (merged units are kept).');
    expect(text.split('\n').at(-1)).toBe('Feature branch `aidp/issue-7-widgets/feature` · [Temporal Web UI](http://ui/wf) · took 2m 5s');
  });

  it('links the PR it opened and points to review when every unit merged', () => {
    const text = finalComment(
      result([unit('a', 'completed'), unit('b', 'completed')], { merged: ['a', 'b'], pr: { number: 9, url: 'https://github.com/o/r/pull/9', created: true } }, { status: 'completed' }),
    );

    expect(text.split('\n')[0]).toBe('**PR [#9](https://github.com/o/r/pull/9) opened: 2 of 2 units merged** into `aidp/issue-7-widgets/feature`.');
    expect(text).toContain('Next: review the pull request; comment `/aidp change <what>` on it for changes.');
    expect(text.split('\n').at(-1)).toBe('Feature branch `aidp/issue-7-widgets/feature` · [pull request #9](https://github.com/o/r/pull/9)');
  });

  it('offers a retry of a unit whose merge conflicted, on the issue or the PR', () => {
    const text = finalComment(
      result([unit('a', 'completed'), unit('b', 'completed')], {
        merged: ['a'],
        conflicts: [{ unitId: 'b', files: ['x.ts'] }],
        pr: { number: 9, url: 'https://github.com/o/r/pull/9', created: false },
      }),
    );

    expect(text.split('\n')[0]).toContain('updated: 1 of 2 units merged');
    expect(text).toContain('comment `/aidp retry` on this issue or on the pull request to run `b` again');
  });

  it('says why nothing was built when the issue could not be split into units', () => {
    const text = finalComment(result([], undefined, { status: 'failed', error: 'could not split the feature into units: no task list' }));

    expect(text.split('\n')[0]).toBe('**No PR: could not split the feature into units: no task list.**');
    expect(text).toContain('Next: fix the issue (a task list, or a plan with `/aidp plan`), then add the label again.');
  });
});
