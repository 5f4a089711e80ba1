import { describe, expect, it } from '@jest/globals';
import { selectRetry } from '../src/domain/retry-selection.js';
import type { FeatureResult } from '../src/workflows/feature-orchestration/messages.js';
import type { UnitState, UnitStatus } from '../src/domain/feature-status.js';

function unit(id: string, status: UnitStatus): UnitState {
  return { spec: { id, slug: id, title: id, description: '', dependsOn: [] }, status, branch: `aidp/f/${id}`, iterations: 1, runs: 1, filesChanged: [], agentMs: 0 };
}

/** A closed run: `merged` made it into the feature branch; `mergeRan` says whether a merge ran at all. */
function closedRun(units: UnitState[], merged: string[], mergeRan = true): Pick<FeatureResult, 'units' | 'carried' | 'merge'> {
  return {
    units,
    carried: { units, instructions: [], concurrency: 2, paused: false, merged },
    merge: mergeRan ? { status: 'merged', featureBranch: 'b', merged, resolved: [], conflicts: [], reverted: [], skipped: [] } : undefined,
  };
}

describe('selectRetry', () => {
  const run = closedRun([unit('merged', 'completed'), unit('conflicted', 'completed'), unit('failed', 'failed'), unit('stopped', 'cancelled')], ['merged']);

  it('takes every failed, cancelled and conflicted unit when none is named', () => {
    expect(selectRetry(run, [])).toEqual({ retry: ['conflicted', 'failed', 'stopped'] });
  });

  it('refuses a named unit that merged, and one that does not exist', () => {
    expect(selectRetry(run, ['merged'])).toEqual({ problem: expect.stringContaining('"merged" merged or will be merged as is') });
    expect(selectRetry(run, ['nope'])).toEqual({ problem: 'no unit "nope"' });
  });

  it('keeps a completed unit of a run that never merged: the next run merges it as it is', () => {
    expect(selectRetry(closedRun([unit('done', 'completed'), unit('failed', 'failed')], [], false), [])).toEqual({ retry: ['failed'] });
  });

  it('says so when there is nothing to run again', () => {
    expect(selectRetry(closedRun([unit('merged', 'completed')], ['merged']), [])).toEqual({ problem: 'no unit failed, was cancelled or conflicted' });
  });
});
