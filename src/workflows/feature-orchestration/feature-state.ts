import type { UnitSpec } from '../../domain/unit.js';
import { unitDetailOf, type FeatureStatus, type OrchestrationStatus, type UnitState, type UnitStatus } from '../../domain/feature-status.js';
import type { AgentDetail, CarriedState, Progress } from './messages.js';
import { unitRunWorkflowId } from '../../domain/child-workflow-ids.js';

/** The feature's units and knobs: plain data, so it survives continue-as-new unchanged. */
export class FeatureState {
  readonly units: UnitState[];
  readonly instructions: CarriedState['instructions'];
  concurrency: number;
  paused: boolean;
  cancelled = false;
  decomposing = false;
  merging = false;
  /** Set once the run reports: a retry then needs a new run. */
  finishing = false;
  merged: string[];
  mergeStatus?: 'merged' | 'insufficient_merges' | 'nothing_to_merge';

  constructor(
    readonly title: string,
    carried: CarriedState,
  ) {
    this.units = carried.units;
    this.instructions = carried.instructions;
    this.concurrency = carried.concurrency;
    this.paused = carried.paused;
    this.merged = carried.merged ?? [];
  }

  static fresh(title: string, concurrency: number): FeatureState {
    return new FeatureState(title, { units: [], instructions: [], concurrency, paused: false, merged: [] });
  }

  addUnits(specs: UnitSpec[], branchOf: (spec: UnitSpec) => string): void {
    for (const spec of specs) {
      this.units.push({ spec, status: 'pending', branch: branchOf(spec), iterations: 0, runs: 0, filesChanged: [], agentMs: 0 });
    }
  }

  count(status: UnitStatus): number {
    return this.units.filter((u) => u.status === status).length;
  }

  unit(id: string): UnitState | undefined {
    return this.units.find((u) => u.spec.id === id);
  }

  nextPending(): UnitState | undefined {
    return this.units.find((u) => u.status === 'pending');
  }

  canDispatch(): boolean {
    return !this.paused && !this.cancelled && this.count('running') < this.concurrency && this.nextPending() !== undefined;
  }

  settled(): boolean {
    return this.count('running') === 0 && (this.cancelled || this.count('pending') === 0);
  }

  /** Unknown ids or units that are not failed are named, so the caller can say what is wrong. */
  retryProblems(ids: string[]): string[] {
    return ids.flatMap((id) => {
      const unit = this.unit(id);
      if (!unit) return [`no unit "${id}"`];
      if (unit.status !== 'failed' && unit.status !== 'cancelled') return [`unit "${id}" is ${unit.status}, not failed`];
      return [];
    });
  }

  /**
   * Queues units again: the named ones (failed, cancelled, or completed but not merged, which
   * then run on top of the feature branch), or every failed one.
   */
  requeue(ids?: string[]): string[] {
    const targets = ids && ids.length > 0 ? ids : this.units.filter((u) => u.status === 'failed').map((u) => u.spec.id);
    for (const id of targets) {
      const unit = this.unit(id);
      if (!unit) continue;
      const conflicted = unit.status === 'completed' && !this.merged.includes(id);
      if (unit.status === 'failed' || unit.status === 'cancelled' || conflicted) {
        unit.status = 'pending';
        unit.error = undefined;
        if (conflicted) unit.onFeatureBranch = true;
      }
    }
    return targets;
  }

  instructionsFor(unitId: string): string[] {
    return this.instructions.filter((i) => !i.unitIds || i.unitIds.includes(unitId)).map((i) => i.text);
  }

  overallStatus(): FeatureStatus {
    if (this.decomposing) return 'decomposing';
    if (this.merging) return 'merging';
    if (this.cancelled && this.settled()) return 'cancelled';
    if (!this.settled()) return this.paused ? 'paused' : 'running';
    const failed = this.count('failed') + this.count('cancelled');
    if (this.units.length === 0) return 'failed';
    if (this.mergeStatus === 'insufficient_merges') return 'insufficient_merges';
    if (failed === 0) return 'completed';
    return failed === this.units.length ? 'failed' : 'partial';
  }

  progress(): Progress {
    const total = this.units.length;
    const completed = this.count('completed');
    return { completed, total, percent: total === 0 ? 0 : Math.round((completed / total) * 100) };
  }

  /** `featureId`: the feature workflow's id, for the ids of running unit workflows (read their progress by query). */
  snapshot(featureId?: string): OrchestrationStatus {
    const { percent } = this.progress();
    return {
      status: this.overallStatus(),
      title: this.title,
      total_units: this.units.length,
      completed: this.count('completed'),
      in_progress: this.count('running'),
      failed: this.count('failed'),
      pending: this.count('pending'),
      cancelled: this.count('cancelled'),
      progress_percent: percent,
      concurrency: this.concurrency,
      paused: this.paused,
      unit_details: this.units.map((u) => ({
        ...unitDetailOf(u),
        ...(u.status === 'running' && featureId ? { workflowId: unitRunWorkflowId(featureId, u.spec.slug, u.runs) } : {}),
      })),
    };
  }

  agentDetails(): AgentDetail[] {
    return this.units
      .filter((u) => u.status === 'running')
      .map((u) => ({ unitId: u.spec.id, iteration: u.currentIteration, provider: u.provider, phase: u.phase }));
  }

  carry(): CarriedState {
    return { units: this.units, instructions: this.instructions, concurrency: this.concurrency, paused: this.paused, merged: this.merged };
  }
}

