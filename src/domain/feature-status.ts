/**
 * A feature run's status: what FeatureOrchestrationWorkflow reports (its `orchestration_status`
 * query) and what the status comment, the PR summary and the CLI show. Pure: workflows import it.
 */
import { defineQuery } from '@temporalio/workflow';
import type { CheckResult } from './check-result.js';
import type { UnitSpec } from './unit.js';

export type UnitStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/** One check of a unit's last iteration. */
export type CheckOutcome = Pick<CheckResult, 'name' | 'passed' | 'required' | 'exitCode' | 'timedOut'>;

export interface UnitState {
  spec: UnitSpec;
  status: UnitStatus;
  branch: string;
  iterations: number;
  /** How many times a unit workflow was started for it (1 + retries). */
  runs: number;
  currentIteration?: number;
  provider?: string;
  phase?: 'agent' | 'checks' | 'done';
  commitSha?: string;
  filesChanged: string[];
  agentMs: number;
  /** The checks of its last iteration, as the unit reported them. */
  checks?: CheckOutcome[];
  /** Runs on top of the feature branch (a unit whose merge conflicted, run again). */
  onFeatureBranch?: boolean;
  error?: string;
  /** Some agent of this unit ran without a sandbox (AIDP_SANDBOX=off). */
  unsandboxed?: boolean;
  /** Its last setup: from the host's cache or not, and how long it took. */
  setup?: { cache: 'hit' | 'miss' | 'off'; durationMs: number };
}

export type FeatureStatus =
  | 'decomposing'
  | 'running'
  | 'paused'
  | 'merging'
  | 'completed'
  | 'partial'
  | 'insufficient_merges'
  | 'failed'
  | 'cancelled';

export interface UnitDetail {
  id: string;
  title: string;
  status: UnitStatus;
  branch: string;
  iterations: number;
  currentIteration?: number;
  /** While it runs: its unit workflow, whose `unit_progress` query says which step and iteration it is on. */
  workflowId?: string;
  /** While it runs: the step it is on (from its unit workflow, filled in by the client). */
  step?: string;
  error?: string;
  /** Its agents ran without a sandbox (AIDP_SANDBOX=off on their worker). */
  unsandboxed?: boolean;
  /** The checks of its last iteration. */
  checks?: CheckOutcome[];
}

/** A unit as the status query reports it (without its workflow id, which the feature adds while it runs). */
export function unitDetailOf(u: UnitState): UnitDetail {
  return {
    id: u.spec.id,
    title: u.spec.title,
    status: u.status,
    branch: u.branch,
    iterations: u.iterations,
    currentIteration: u.status === 'running' ? u.currentIteration : undefined,
    error: u.error,
    ...(u.unsandboxed ? { unsandboxed: true } : {}),
    ...(u.checks?.length ? { checks: u.checks } : {}),
  };
}

export interface OrchestrationStatus {
  status: FeatureStatus;
  title: string;
  total_units: number;
  completed: number;
  in_progress: number;
  failed: number;
  pending: number;
  cancelled: number;
  progress_percent: number;
  concurrency: number;
  paused: boolean;
  unit_details: UnitDetail[];
}

/** Defined here, not in the workflow's messages.ts (which re-exports it): activities query it too. */
export const orchestrationStatusQuery = defineQuery<OrchestrationStatus>('orchestration_status');
