import { defineQuery } from '@temporalio/workflow';
import type { AgentProvider } from '../../config/repo-config.js';
import type { NetworkSettings } from '../../sandbox/network-settings.js';
import type { SetupSettings } from '../../domain/setup.js';
import type { UnitSpec } from '../../domain/unit.js';
import type { IterationRecord, NamedCheck } from '../work-loop/messages.js';

export interface RepoTarget {
  /** Where unit branches are fetched from and pushed to (in `aidp run`, the repository itself). */
  remoteUrl: string;
  baseBranch: string;
}

export interface AtomicUnitInput {
  unit: UnitSpec;
  featureSlug: string;
  branch: string;
  repo: RepoTarget;
  providers: AgentProvider[];
  agentTimeoutMs: number;
  checks: NamedCheck[];
  maxIterations: number;
  conventions: string;
  instructions: string[];
  /** What the sandboxes may reach; absent in runs started before it was carried (defaults then). */
  network?: NetworkSettings;
  /** The feature workflow, told about iterations as they happen. */
  reportTo?: string;
  /** Commands run in the fresh worktree before its first agent; absent: none. */
  setup?: SetupSettings;
}

export interface AtomicUnitResult {
  unitId: string;
  status: 'completed' | 'failed';
  branch: string;
  iterations: number;
  /** Fresh starts after the host holding the worktree was lost. */
  hostAttempts: number;
  commitSha?: string;
  filesChanged: string[];
  agentMs: number;
  /** The checks of the last iteration (empty when they never ran); absent in older results. */
  checks?: IterationRecord['checks'];
  error?: string;
  /** Some agent of this unit ran without a sandbox (AIDP_SANDBOX=off). */
  unsandboxed?: boolean;
  /** How its setup went (the last host attempt's): from the cache or not, and how long it took. */
  setup?: { cache: 'hit' | 'miss' | 'off'; durationMs: number };
}

export type UnitPhase = 'claiming' | 'preparing' | 'working' | 'pushing' | 'cleaning' | 'done';

export const unitPhaseQuery = defineQuery<UnitPhase>('unit_phase');
