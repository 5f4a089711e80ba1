/** What a feature run produced, unit by unit and in total. Pure: workflows import it. */
import { unitDetailOf, type UnitState, type UnitStatus } from '../feature-status.js';
import { unitRow, type UnitRow } from './status-view.js';

export type MergeStatus = 'merged' | 'conflict' | 'reverted' | 'skipped' | 'not_merged';

/** A unit's state, with the checks of its last iteration as the unit reported them. */
export type SummaryUnit = UnitState;

export interface MergeOutcome {
  /** Every unit in the feature branch (this run's and earlier runs'). */
  merged: string[];
  /** Merged after an agent resolved a conflict. */
  resolved?: string[];
  conflicts: Array<{ unitId: string; files: string[]; with?: string }>;
  reverted: Array<{ unitId: string; check: string; outputTail: string }>;
  skipped: Array<{ unitId: string; reason: string }>;
}

/** A unit's row in every status output, with its merge outcome. */
export interface UnitAggregate extends UnitRow {
  mergeStatus: MergeStatus;
  /** Merged after an agent resolved a conflict. */
  resolved: boolean;
  filesChanged: number;
  agentSeconds: number;
  /** Why it is not merged, in words (raw text: escape before rendering). */
  reason?: string;
}

export interface FeatureTotals {
  units: number;
  completed: number;
  failed: number;
  merged: number;
  conflicts: number;
  reverted: number;
  skipped: number;
  agentSeconds: number;
  /** merged / units; 0 when there are no units. */
  mergedRatio: number;
}

export interface FeatureAggregate {
  units: UnitAggregate[];
  totals: FeatureTotals;
  conflicts: MergeOutcome['conflicts'];
  reverted: MergeOutcome['reverted'];
}

const NOT_RUN: Partial<Record<UnitStatus, string>> = {
  cancelled: 'the unit was cancelled',
  pending: 'the unit did not run',
  running: 'the unit did not finish',
};

function unitReason(unit: SummaryUnit, status: MergeStatus, merge: MergeOutcome): string | undefined {
  const id = unit.spec.id;
  switch (status) {
    case 'merged':
      return undefined;
    case 'conflict': {
      const c = merge.conflicts.find((x) => x.unitId === id);
      const files = c?.files.length ? ` in ${c.files.length} file(s): ${c.files.slice(0, 5).join(', ')}` : '';
      return `merge conflict${c?.with ? ` with "${c.with}"` : ''}${files}, not resolved`;
    }
    case 'reverted': {
      const r = merge.reverted.find((x) => x.unitId === id);
      return `merged, then rolled back: check "${r?.check ?? '?'}" failed`;
    }
    case 'skipped':
      return merge.skipped.find((x) => x.unitId === id)?.reason ?? 'skipped';
    case 'not_merged':
      if (unit.status === 'failed') return `the unit failed${unit.error ? `: ${unit.error.slice(0, 300)}` : ''}`;
      return NOT_RUN[unit.status] ?? 'not merged';
  }
}

function mergeStatusOf(id: string, merge: MergeOutcome): MergeStatus {
  if (merge.merged.includes(id)) return 'merged';
  if (merge.reverted.some((r) => r.unitId === id)) return 'reverted';
  if (merge.conflicts.some((c) => c.unitId === id)) return 'conflict';
  if (merge.skipped.some((s) => s.unitId === id)) return 'skipped';
  return 'not_merged';
}

/** Units, their merge outcome, and totals, for the summary and the workflow's result. */
export function aggregateResults(input: { units: SummaryUnit[]; merge: MergeOutcome }): FeatureAggregate {
  const { merge } = input;
  const units = input.units.map((unit): UnitAggregate => {
    const mergeStatus = mergeStatusOf(unit.spec.id, merge);
    return {
      ...unitRow(unitDetailOf(unit)),
      mergeStatus,
      resolved: mergeStatus === 'merged' && (merge.resolved ?? []).includes(unit.spec.id),
      filesChanged: unit.filesChanged.length,
      agentSeconds: Math.round(unit.agentMs / 1000),
      reason: unitReason(unit, mergeStatus, merge),
    };
  });
  const count = (pred: (u: UnitAggregate) => boolean) => units.filter(pred).length;
  const merged = count((u) => u.mergeStatus === 'merged');
  const totals: FeatureTotals = {
    units: units.length,
    completed: count((u) => u.status === 'completed'),
    failed: count((u) => u.status === 'failed'),
    merged,
    conflicts: count((u) => u.mergeStatus === 'conflict'),
    reverted: count((u) => u.mergeStatus === 'reverted'),
    skipped: count((u) => u.mergeStatus === 'skipped'),
    agentSeconds: Math.round(input.units.reduce((sum, u) => sum + u.agentMs, 0) / 1000),
    mergedRatio: units.length === 0 ? 0 : merged / units.length,
  };
  const known = new Set(units.map((u) => u.id));
  return {
    units,
    totals,
    conflicts: merge.conflicts.filter((c) => known.has(c.unitId) && !merge.merged.includes(c.unitId)),
    reverted: merge.reverted.filter((r) => known.has(r.unitId) && !merge.merged.includes(r.unitId)),
  };
}
