import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { OrchestrationStatus, UnitState } from '../../domain/feature-status.js';
import type { AgentProvider } from '../../config/repo-config.js';
import type { NetworkSettings } from '../../sandbox/network-settings.js';
import type { SetupSettings } from '../../domain/setup.js';
import type { RepoTarget } from '../atomic-unit/messages.js';
import type { GitHubTarget, MergeResult } from '../merge-orchestration/messages.js';
import type { NamedCheck } from '../work-loop/messages.js';

export interface FeatureSettings {
  providers: AgentProvider[];
  agentTimeoutMs: number;
  checks: NamedCheck[];
  maxIterations: number;
  concurrency: number;
  conventions: string;
  /** Share of units that must merge before a PR is opened (`merge.threshold`). */
  mergeThreshold: number;
  /** What the sandboxes may reach; absent in runs started before it was carried (defaults then). */
  network?: NetworkSettings;
  /** Commands run in each fresh worktree before its first agent (`setup` in `.github/aidp.yml`). */
  setup?: SetupSettings;
}

export interface FeatureInput {
  title: string;
  featureSlug: string;
  specText: string;
  repo: RepoTarget;
  /** Directory an agent may read when it is asked to split the spec (decompose). */
  decomposeCwd: string;
  settings: FeatureSettings;
  /** Web UI base for links in the summary and PR. */
  uiUrl?: string;
  /** Where the feature PR goes; absent in `aidp run`. */
  github?: GitHubTarget;
  /** Carried across continue-as-new, and into a new run by `aidp retry` after the run closed. */
  carried?: CarriedState;
}

export interface CarriedState {
  units: UnitState[];
  instructions: Array<{ text: string; unitIds?: string[] }>;
  concurrency: number;
  paused: boolean;
  /** Units already merged into the feature branch by earlier runs. */
  merged: string[];
  /** Units to run again at the start of this run (from `aidp retry` on a closed run). */
  retry?: string[];
}

export interface Progress {
  completed: number;
  total: number;
  percent: number;
}

export interface AgentDetail {
  unitId: string;
  iteration?: number;
  provider?: string;
  phase?: string;
}

/** The status model (OrchestrationStatus, UnitState, its query) is in src/domain/feature-status.ts. */
export interface FeatureResult extends OrchestrationStatus {
  featureSlug: string;
  units: UnitState[];
  /** Why the run could not start its units (e.g. the spec could not be split). */
  error?: string;
  featureBranch: string;
  /** The merge of this run: absent when nothing completed or the run was cancelled. */
  merge?: MergeResult;
  /** What started this run, so `aidp retry` can start the next one after it closed. */
  request: Omit<FeatureInput, 'carried'>;
  carried: CarriedState;
}

export interface InjectInstructionInput {
  text: string;
  /** Only these units; all when omitted. */
  unitIds?: string[];
}

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const cancelSignal = defineSignal('cancel');
export const adjustConcurrencyUpdate = defineUpdate<number, [number]>('adjust_concurrency');
/** Returns the ids queued again; an empty list means every failed unit. */
export const retryFailedUpdate = defineUpdate<string[], [string[]]>('retry_failed');
export const injectInstructionUpdate = defineUpdate<number, [InjectInstructionInput]>('inject_instruction');
export const progressQuery = defineQuery<Progress>('progress');
export const agentDetailsQuery = defineQuery<AgentDetail[]>('agent_details');
