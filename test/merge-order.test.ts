import { describe, expect, it } from '@jest/globals';
import { dependencyBlocked, determineMergeOrder, type MergeCandidate } from '../src/domain/merge-order.js';

const unit = (id: string, diffLines: number, dependsOn: string[] = [], status = 'completed'): MergeCandidate => ({
  id,
  status,
  dependsOn,
  diffLines,
});

describe('determineMergeOrder', () => {
  it('merges smaller diffs first, and breaks ties by id', () => {
    const plan = determineMergeOrder([unit('c', 30), unit('b', 10), unit('a', 10), unit('d', 5)]);
    expect(plan.order).toEqual(['d', 'a', 'b', 'c']);
    expect(plan.skipped).toEqual([]);
  });

  it('merges a dependency before the units that need it, whatever their sizes', () => {
    const plan = determineMergeOrder([unit('api', 500), unit('ui', 1, ['api']), unit('docs', 2), unit('e2e', 1, ['ui', 'docs'])]);
    expect(plan.order).toEqual(['docs', 'api', 'ui', 'e2e']);
  });

  it('leaves out units that did not complete, and units already merged', () => {
    const plan = determineMergeOrder(
      [unit('a', 1), unit('b', 1, [], 'failed'), unit('c', 1, [], 'cancelled'), unit('d', 1, ['a'])],
      ['a'],
    );
    expect(plan.order).toEqual(['d']);
    expect(plan.skipped).toEqual([]);
  });

  it('skips a unit whose dependency failed, naming the dependency and its state', () => {
    const plan = determineMergeOrder([unit('a', 1, [], 'failed'), unit('b', 1, ['a']), unit('c', 1, [], 'cancelled'), unit('d', 1, ['c'])]);
    expect(plan.order).toEqual([]);
    expect(plan.skipped).toEqual([
      { id: 'b', reason: 'depends on "a", which failed' },
      { id: 'd', reason: 'depends on "c", which was cancelled' },
    ]);
  });

  it('skips everything downstream of a skipped unit, whatever the input order', () => {
    const plan = determineMergeOrder([unit('z', 1, ['y']), unit('y', 1, ['x']), unit('x', 1, ['w']), unit('w', 1, [], 'failed'), unit('v', 3)]);
    expect(plan.order).toEqual(['v']);
    expect(plan.skipped).toEqual([
      { id: 'z', reason: 'depends on "y", which was skipped' },
      { id: 'y', reason: 'depends on "x", which was skipped' },
      { id: 'x', reason: 'depends on "w", which failed' },
    ]);
  });

  it('skips a unit that depends on an id the feature does not have', () => {
    expect(determineMergeOrder([unit('a', 1, ['ghost'])]).skipped).toEqual([
      { id: 'a', reason: 'depends on "ghost", which is not a unit of this feature' },
    ]);
  });

  it('ends on a dependency cycle, skipping the units on it and behind it', () => {
    const plan = determineMergeOrder([unit('a', 1, ['b']), unit('b', 1, ['a']), unit('c', 1, ['a']), unit('d', 1), unit('self', 1, ['self'])]);
    expect(plan.order).toEqual(['d']);
    expect(plan.skipped.map((s) => s.id)).toEqual(['a', 'b', 'c', 'self']);
    expect(plan.skipped[0]?.reason).toBe('depends on "b", which could not be ordered (dependency cycle)');
  });

  it('orders a thousand chained units', () => {
    const units = Array.from({ length: 1000 }, (_, i) => unit(`u${i}`, 1000 - i, i === 0 ? [] : [`u${i - 1}`]));
    expect(determineMergeOrder(units.reverse()).order).toEqual(Array.from({ length: 1000 }, (_, i) => `u${i}`));
  });
});

describe('dependencyBlocked', () => {
  it('lets a unit through when every dependency has merged', () => {
    expect(dependencyBlocked({ dependsOn: ['a', 'b'] }, ['a', 'b', 'c'], [])).toBeUndefined();
    expect(dependencyBlocked({ dependsOn: [] }, [], ['x'])).toBeUndefined();
  });

  it('blocks a unit whose dependency failed to merge, naming it', () => {
    expect(dependencyBlocked({ dependsOn: ['a', 'b'] }, ['a'], ['b'])).toBe('depends on "b", which failed to merge');
  });

  it('blocks a unit whose dependency has not merged yet', () => {
    expect(dependencyBlocked({ dependsOn: ['a'] }, [], [])).toBe('depends on "a", which has not been merged');
  });
});
