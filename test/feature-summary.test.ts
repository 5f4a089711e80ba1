import { describe, expect, it } from '@jest/globals';
import { aggregateResults, type MergeOutcome, type SummaryUnit } from '../src/domain/summary/aggregate.js';
import { renderFeatureSummary } from '../src/domain/summary/render-summary.js';
import { unitState } from './support/feature-status.js';

const noMerge: MergeOutcome = { merged: [], conflicts: [], reverted: [], skipped: [] };

function render(units: SummaryUnit[], merge: MergeOutcome, opts: { thresholdMet?: boolean; closesIssue?: number; uiUrl?: string } = {}) {
  return renderFeatureSummary({
    title: 'Login page',
    aggregate: aggregateResults({ units, merge }),
    featureBranch: 'aidp/login/feature',
    uiUrl: opts.uiUrl,
    closesIssue: opts.closesIssue,
    thresholdMet: opts.thresholdMet ?? true,
    threshold: 0.8,
  });
}

describe('aggregateResults', () => {
  it('gives each unit its merge status, checks, files and agent time, and totals them', () => {
    const units = [
      unitState('a', 'completed', {
        checks: [
          { name: 'test', passed: true, required: true, exitCode: 0, timedOut: false },
          { name: 'lint', passed: false, required: false, exitCode: 1, timedOut: false },
        ],
      }),
      unitState('b', 'completed'),
      unitState('c', 'completed'),
      unitState('d', 'completed', { spec: { id: 'd', slug: 'd', title: 'D', description: '', dependsOn: ['c'] } }),
      unitState('e', 'failed', { error: 'agent gave up' }),
      unitState('f', 'completed'),
    ];
    const aggregate = aggregateResults({
      units,
      merge: {
        merged: ['a', 'f'],
        resolved: ['f'],
        conflicts: [{ unitId: 'b', files: ['x.ts'], with: 'a' }],
        reverted: [{ unitId: 'c', check: 'test', outputTail: 'boom' }],
        skipped: [{ unitId: 'd', reason: 'depends on "c", which failed to merge' }],
      },
    });

    expect(aggregate.units.map((u) => [u.id, u.mergeStatus])).toEqual([
      ['a', 'merged'],
      ['b', 'conflict'],
      ['c', 'reverted'],
      ['d', 'skipped'],
      ['e', 'not_merged'],
      ['f', 'merged'],
    ]);
    const a = aggregate.units[0];
    expect(a?.checks).toBe('test ✓ · lint ✗ (optional)');
    expect(a?.filesChanged).toBe(2);
    expect(a?.agentSeconds).toBe(61);
    expect(a?.iterations).toBe(2);
    expect(aggregate.units[1]?.checks).toBe('-');
    expect(aggregate.units[5]?.resolved).toBe(true);
    expect(aggregate.units[4]?.reason).toBe('the unit failed: agent gave up');
    expect(aggregate.totals).toEqual({
      units: 6,
      completed: 5,
      failed: 1,
      merged: 2,
      conflicts: 1,
      reverted: 1,
      skipped: 1,
      agentSeconds: 368,
      mergedRatio: 2 / 6,
    });
  });

  it('has a zero ratio, not NaN, with no units', () => {
    expect(aggregateResults({ units: [], merge: noMerge }).totals.mergedRatio).toBe(0);
  });
});

describe('renderFeatureSummary', () => {
  it('states how many units merged into which branch, and tables every unit', () => {
    const md = render([unitState('a', 'completed'), unitState('b', 'completed')], { ...noMerge, merged: ['a', 'b'] });

    expect(md).toContain('## Login page');
    expect(md).toContain('**2 of 2 units merged** into `aidp/login/feature` (100%).');
    expect(md).toContain('| Unit | Status | Merge | Iterations | Checks | Files | Agent time | Note |');
    expect(md).toContain('| **Title of a** (a) | completed | merged | 2 | - | 2 | 1m 1s |  |');
    expect(md).not.toContain('Not enough units merged');
    expect(md).not.toContain('Closes #');
  });

  it('escapes pipes, newlines and markup in user titles so the table keeps its shape', () => {
    const hostile = unitState('x', 'completed', {
      spec: { id: 'x', slug: 'x', title: 'a | b\nc <img src=x> **bold** `code`', description: '', dependsOn: [] },
    });
    const md = render([hostile], { ...noMerge, merged: ['x'] });
    const row = md.split('\n').find((line) => line.includes('img'));

    expect(row).toBe('| **a \\| b c \\<img src=x\\> \\*\\*bold\\*\\* \\`code\\`** (x) | completed | merged | 2 | - | 2 | 1m 1s |  |');
    expect(row?.split(/(?<!\\)\|/).length).toBe(10);
  });

  it('ends with Closes #N when the feature came from an issue, and links the Temporal UI', () => {
    const md = render([unitState('a', 'completed')], { ...noMerge, merged: ['a'] }, {
      closesIssue: 42,
      uiUrl: 'http://localhost:8233/namespaces/default/workflows/feature-1',
    });

    expect(md).toContain('[Open this run in the Temporal UI](<http://localhost:8233/namespaces/default/workflows/feature-1>)');
    expect(md.trimEnd().endsWith('Closes #42')).toBe(true);
  });

  it('lists unresolved conflicts and reverts, with the failing output fenced so it cannot break out, colour codes removed', () => {
    const units = [unitState('a', 'completed'), unitState('b', 'completed'), unitState('c', 'completed')];
    const md = render(units, {
      merged: ['a'],
      conflicts: [{ unitId: 'b', files: ['src/x.ts', 'README.md'], with: 'a' }],
      reverted: [{ unitId: 'c', check: 'test', outputTail: 'y'.repeat(5000) + '\n```\n# not a heading\n\u001b[31mFAIL\u001b[0m x.test.ts\n' }],
      skipped: [],
    }, { thresholdMet: false });

    expect(md).toContain('### Unresolved conflicts');
    expect(md).toContain('- **Title of b** (b) conflicted with **Title of a** (a) in `src/x.ts`, `README.md`; not merged.');
    expect(md).toContain('### Reverted: checks failed after the merge');
    expect(md).toContain('**Title of c** (c): check `test` failed, so the merge was rolled back.');
    const fence = md.indexOf('````text\n');
    expect(fence).toBeGreaterThan(0);
    const block = md.slice(fence, md.indexOf('\n````', fence + 8));
    expect(block).toContain('earlier characters left out');
    expect(block).toContain('```\n# not a heading\nFAIL x.test.ts');
    expect(block.length).toBeLessThan(2200);
  });

  it('says below the threshold that not enough units merged, and what did not merge and why', () => {
    const units = [
      unitState('a', 'completed'),
      unitState('b', 'failed', { error: 'checks failed after 5 iterations' }),
      unitState('c', 'completed'),
      unitState('d', 'cancelled'),
    ];
    const md = render(units, {
      merged: ['a'],
      conflicts: [],
      reverted: [],
      skipped: [{ unitId: 'c', reason: 'depends on "b", which failed' }],
    }, { thresholdMet: false });

    expect(md).toContain('**Not enough units merged (1 of 4, threshold 80%).**');
    expect(md).toContain('> - **Title of b** (b): the unit failed: checks failed after 5 iterations');
    expect(md).toContain('> - **Title of c** (c): depends on "b", which failed');
    expect(md).toContain('> - **Title of d** (d): the unit was cancelled');
    expect(md).not.toContain('> - **Title of a**');
  });
});
