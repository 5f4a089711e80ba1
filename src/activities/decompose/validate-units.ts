import { ApplicationFailure } from '@temporalio/common';
import type { UnitSpec } from '../../domain/unit.js';
import { SPEC_INVALID } from '../../domain/failure-types.js';

/** Every dependency cycle once, written `a → b → a`. */
function findCycles(units: UnitSpec[]): string[] {
  const deps = new Map(units.map((u) => [u.id, u.dependsOn.filter((d) => units.some((o) => o.id === d))]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles = new Map<string, string>();
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      if (state.get(dep) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...new Set(cycle)].sort().join('\0');
        if (!cycles.has(key)) cycles.set(key, cycle.join(' → '));
      } else if (!state.has(dep)) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const unit of units) if (!state.has(unit.id)) visit(unit.id);
  return [...cycles.values()];
}

/** What is wrong with a unit list as a whole, one line per problem; empty when it can run. */
export function unitProblems(units: UnitSpec[]): string[] {
  if (units.length === 0) return ['there are no units: a feature needs at least one'];
  const problems: string[] = [];
  const ids = new Set<string>();
  const reported = new Set<string>();
  for (const unit of units) {
    if (ids.has(unit.id) && !reported.has(unit.id)) {
      problems.push(`unit id "${unit.id}" is used more than once`);
      reported.add(unit.id);
    }
    ids.add(unit.id);
  }
  for (const unit of units) {
    for (const dep of unit.dependsOn) {
      if (!ids.has(dep)) problems.push(`unit "${unit.id}" depends on "${dep}", which is not a unit`);
    }
  }
  for (const cycle of findCycles(units)) problems.push(`dependency cycle: ${cycle}`);
  return problems;
}

/** Throws non-retryable SpecInvalid naming every problem: duplicates, unknown dependencies, cycles, no units. */
export function validateUnits(units: UnitSpec[]): void {
  const problems = unitProblems(units);
  if (problems.length > 0) throw ApplicationFailure.nonRetryable(`the unit list is invalid: ${problems.join('; ')}`, SPEC_INVALID);
}
