import type { AidpMetrics } from '../metrics/metrics.js';

/** A feature's outcome counted once it is known: units by outcome, merge conflicts and reverts. */
export function createOutcomeMetricActivities(deps: { metrics?: AidpMetrics }) {
  return {
    async recordFeatureOutcome(input: { completed: number; failed: number; cancelled: number; conflicts: number; reverts: number }): Promise<void> {
      const m = deps.metrics;
      if (!m) return;
      m.units.inc({ outcome: 'completed' }, input.completed);
      m.units.inc({ outcome: 'failed' }, input.failed);
      m.units.inc({ outcome: 'cancelled' }, input.cancelled);
      m.mergeConflicts.inc(input.conflicts);
      m.mergeReverts.inc(input.reverts);
    },
  };
}
