import { describe, expect, it } from '@jest/globals';
import type { UnitState } from '../src/domain/feature-status.js';
import { aggregateResults, type MergeOutcome } from '../src/domain/summary/aggregate.js';
import { renderFeatureSummary } from '../src/domain/summary/render-summary.js';
import { notMergedLines, statusLines } from '../src/domain/summary/status-lines.js';
import { statusMarkdown } from '../src/domain/summary/status-markdown.js';
import { orchestrationStatus, unitState } from './support/feature-status.js';

/** One feature, shown three ways: the status comment, the PR body and the CLI. */

const noMerge: MergeOutcome = { merged: [], conflicts: [], reverted: [], skipped: [] };

function prBody(units: UnitState[], merge: MergeOutcome = noMerge): string {
  return renderFeatureSummary({
    title: 'Login page',
    aggregate: aggregateResults({ units, merge }),
    featureBranch: 'aidp/login/feature',
    thresholdMet: true,
    threshold: 0.5,
  });
}

/** The line of `text` that shows unit `id`. */
function rowOf(text: string, id: string): string | undefined {
  return text.split('\n').find((line) => line.includes(`(${id})`) || new RegExp(`^  . ${id} `).test(line));
}

const checks = [
  { name: 'test', passed: false, required: true, exitCode: 1, timedOut: false },
  { name: 'lint', passed: true, required: true, exitCode: 0, timedOut: false },
];

describe('the status view in the comment, the PR body and the CLI', () => {
  it('shows a failed unit with its status, iterations, checks and the first line of its error in all three', () => {
    const units = [unitState('a', 'completed'), unitState('b', 'failed', { checks, error: 'checks failed after 3 iterations\n    at stack frame' })];

    expect(rowOf(statusMarkdown(orchestrationStatus(units)), 'b')).toBe('| **Title of b** (b) | failed | 2 | test ✗ · lint ✓ | checks failed after 3 iterations |');
    expect(rowOf(prBody(units, { ...noMerge, merged: ['a'] }), 'b')).toBe(
      '| **Title of b** (b) | failed | not merged | 2 | test ✗ · lint ✓ | 2 | 1m 1s | checks failed after 3 iterations |',
    );
    expect(rowOf(statusLines(orchestrationStatus(units)).join('\n'), 'b')).toBe(
      '  ✖ b                        failed · 2 iteration(s) · test ✗ · lint ✓ — checks failed after 3 iterations',
    );
  });

  it('shows a running unit with the iteration and step it is on', () => {
    const units = [unitState('a', 'running', { currentIteration: 2 })];
    const status = orchestrationStatus(units, {}, (d) => ({ ...d, step: 'checks' }));

    expect(rowOf(statusMarkdown(status), 'a')).toBe('| **Title of a** (a) | running (iteration 2, checks) | 2 | - |  |');
    expect(rowOf(statusLines(status).join('\n'), 'a')).toBe('  ▶ a                        running (iteration 2, checks) · 2 iteration(s)');
    expect(rowOf(prBody(units), 'a')).toContain('| running (iteration 2) | not merged |');
  });

  it('keeps hostile titles and errors on one escaped, capped line: a table cell in Markdown, plain text on the terminal', () => {
    const hostile = unitState('x', 'failed', {
      spec: { id: 'x', slug: 'x', title: 'a | b\nc <img src=x> **bold**', description: '', dependsOn: [] },
      error: `\u001b[31mred\u001b[0m | pipe \u009b2J${'e'.repeat(400)}\nsecond line`,
    });
    const status = orchestrationStatus([hostile]);
    const comment = statusMarkdown(status).split('\n').find((line) => line.includes('img'));
    const pr = prBody([hostile]).split('\n').find((line) => line.startsWith('| **a'));
    const cli = statusLines(status)[1] ?? '';

    // Cut at 200 characters as given, then its colour and control codes dropped.
    const cell = `red \\| pipe 2J${'e'.repeat(177)}`;
    expect(comment).toBe(`| **a \\| b c \\<img src=x\\> \\*\\*bold\\*\\*** (x) | failed | 2 | - | ${cell} |`);
    expect(pr).toBe(`| **a \\| b c \\<img src=x\\> \\*\\*bold\\*\\*** (x) | failed | not merged | 2 | - | 2 | 1m 1s | ${cell} |`);
    expect(comment?.split(/(?<!\\)\|/).length).toBe(7);
    expect(cli).toBe(`  ✖ x                        failed · 2 iteration(s) — red | pipe 2J${'e'.repeat(177)}`);
    expect([...cli].filter((ch) => ch.charCodeAt(0) < 0x20 || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f))).toEqual([]);
  });

  it('warns in all three when a unit ran its agents without a sandbox, and not otherwise', () => {
    const unsandboxed = [unitState('a', 'completed', { unsandboxed: true }), unitState('b', 'completed')];
    const sandboxed = [unitState('a', 'completed'), unitState('b', 'completed')];
    const merge = { ...noMerge, merged: ['a', 'b'] };

    expect(statusMarkdown(orchestrationStatus(unsandboxed))).toContain(
      '> 1 unit(s) ran their agents **without a sandbox** (`AIDP_SANDBOX=off` on the worker): they could read everything the worker can.',
    );
    expect(prBody(unsandboxed, merge)).toContain('> 1 unit(s) ran their agents **without a sandbox**');
    expect(statusLines(orchestrationStatus(unsandboxed))).toContain(
      'warning: 1 unit(s) ran their agents without a sandbox (AIDP_SANDBOX=off on the worker): they could read everything the worker can',
    );
    expect(statusMarkdown(orchestrationStatus(sandboxed))).not.toMatch(/sandbox/);
    expect(prBody(sandboxed, merge)).not.toMatch(/sandbox/);
    expect(statusLines(orchestrationStatus(sandboxed)).join('\n')).not.toMatch(/sandbox/);
  });

  it('heads the comment and the CLI with the same state and figures, cancelled units counted', () => {
    const status = orchestrationStatus([unitState('a', 'completed'), unitState('b', 'cancelled'), unitState('c', 'failed')], { status: 'insufficient_merges' });
    const figures = '1/3 done · 0 running · 1 failed · 0 pending · 1 cancelled · concurrency 2';

    const [title, , line] = statusMarkdown(status).split('\n');
    expect(title).toBe('**Login page**: insufficient merges `██████████░░░░░░░░░░` 50%');
    expect(line).toBe(figures);
    expect(statusLines(status)[0]).toBe(`Login page: insufficient merges  [###############---------------] ${figures}`);
  });

  it('links the pull request and the Temporal UI in the comment and the CLI', () => {
    const links = { prUrl: 'https://github.com/o/r/pull/9', uiUrl: 'http://ui/wf' };
    const status = orchestrationStatus([unitState('a', 'completed')]);

    expect(statusMarkdown(status, links).split('\n').at(-1)).toBe('[pull request](https://github.com/o/r/pull/9) · [Temporal Web UI](http://ui/wf)');
    expect(statusLines(status, links).slice(-2)).toEqual(['pull request: https://github.com/o/r/pull/9', 'Temporal Web UI: http://ui/wf']);
  });

  it('says after a run why each completed unit did not merge, in the words of the PR body', () => {
    const units = [unitState('a', 'completed'), unitState('b', 'completed'), unitState('c', 'completed'), unitState('d', 'failed', { error: 'gave up' })];
    const merge: MergeOutcome = {
      merged: ['a'],
      conflicts: [{ unitId: 'b', files: ['x.ts'], with: 'a' }],
      reverted: [{ unitId: 'c', check: 'test', outputTail: 'boom' }],
      skipped: [],
    };
    const lines = notMergedLines(aggregateResults({ units, merge }).units);
    const body = renderFeatureSummary({ title: 'T', aggregate: aggregateResults({ units, merge }), featureBranch: 'f', thresholdMet: false, threshold: 0.8 });

    expect(lines).toEqual([
      '  not merged: b: merge conflict with "a" in 1 file(s): x.ts, not resolved',
      '  not merged: c: merged, then rolled back: check "test" failed',
    ]);
    expect(body).toContain('> - **Title of b** (b): merge conflict with "a" in 1 file(s): x.ts, not resolved');
    expect(body).toContain('> - **Title of c** (c): merged, then rolled back: check "test" failed');
  });
});
