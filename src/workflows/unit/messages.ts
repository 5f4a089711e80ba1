import { defineQuery } from '@temporalio/workflow';
import type { IterationRecord } from '../work-loop/messages.js';

export type { AtomicUnitInput as UnitInput, AtomicUnitResult as UnitResult } from '../atomic-unit/messages.js';

/** `iteration`: agent, checks and (when they pass) finish, run as one step on the host. */
export type UnitStep = 'preparing' | 'agent' | 'checks' | 'finishing' | 'iteration' | 'done';

/** Where a unit is: read by query (`aidp status`, `aidp run`), never pushed to the feature. */
export interface UnitProgress {
  step: UnitStep;
  /** The iteration running or last run; 0 before the first agent. */
  iteration: number;
  provider?: string;
  /** The host holding the worktree, once prepared. */
  host?: string;
  /** Fresh starts after the host holding the worktree was lost. */
  hostAttempts: number;
  /** Steps run again on the same host after its worker restarted. */
  resumes: number;
  history: IterationRecord[];
}

export const unitProgressQuery = defineQuery<UnitProgress>('unit_progress');
