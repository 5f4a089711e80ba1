import type { UnitState } from './feature-status.js';

/** What a closed run left (its FeatureResult): its units, those already merged, whether it merged. */
export interface ClosedRun {
  units: UnitState[];
  carried: { merged: string[] };
  merge?: unknown;
}

/** Units of a closed run that a retry runs again, and why any named unit cannot be. */
export type RetrySelection = { retry: string[] } | { problem: string };

/**
 * A unit of a closed run can run again when it failed, was cancelled, or completed but did not
 * merge (a conflict, a rolled-back merge): that one reruns on top of the feature branch.
 */
export function retryableUnits(previous: ClosedRun): string[] {
  const merged = new Set(previous.carried.merged);
  return previous.units
    .filter((u) => u.status === 'failed' || u.status === 'cancelled' || (u.status === 'completed' && previous.merge !== undefined && !merged.has(u.spec.id)))
    .map((u) => u.spec.id);
}

/** The units `retry [unit…]` reruns after `previous` closed: the named ones, or every retryable one. */
export function selectRetry(previous: ClosedRun, unitIds: string[]): RetrySelection {
  const retryable = retryableUnits(previous);
  const unknown = unitIds.filter((id) => !previous.units.some((u) => u.spec.id === id));
  if (unknown.length > 0) return { problem: `no unit ${unknown.map((id) => `"${id}"`).join(', ')}` };
  const done = unitIds.filter((id) => !retryable.includes(id));
  if (done.length > 0) return { problem: `${done.map((id) => `"${id}"`).join(', ')} merged or will be merged as is; only failed, cancelled and conflicted units run again` };
  const retry = unitIds.length > 0 ? unitIds : retryable;
  if (retry.length === 0) return { problem: 'no unit failed, was cancelled or conflicted' };
  return { retry };
}
