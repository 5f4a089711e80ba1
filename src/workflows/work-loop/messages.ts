import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AgentProvider } from '../../config/repo-config.js';
import type { NetworkSettings } from '../../sandbox/network-settings.js';

export interface NamedCheck {
  name: string;
  command: string;
  timeout_seconds: number;
  required: boolean;
}

export interface WorkLoopInput {
  unitId: string;
  title: string;
  task: string;
  conventions: string;
  worktreePath: string;
  baseSha: string;
  /** The queue of the host that holds the worktree: every activity of this loop runs there. */
  hostQueue: string;
  providers: AgentProvider[];
  agentTimeoutMs: number;
  checks: NamedCheck[];
  maxIterations: number;
  instructions: string[];
  /** What the sandboxes may reach; absent in runs started before it was carried (defaults then). */
  network?: NetworkSettings;
  /** Key for prompt files and agent registry entries; safe as a file name. */
  promptKey: string;
  /** Workflow to tell about each iteration (the feature orchestration), if any. */
  reportTo?: string;
  /** Paths never counted as changes nor committed: the setup cache's (node_modules). */
  keepOut?: string[];
}

export interface IterationRecord {
  iteration: number;
  provider: string;
  agentOk: boolean;
  agentReason?: string;
  agentMs: number;
  filesChanged: number;
  checks: Array<{ name: string; passed: boolean; required: boolean; exitCode: number | null; timedOut: boolean }>;
  outcome: 'passed' | 'agent_failed' | 'no_changes' | 'checks_failed';
  /** The agent ran without a sandbox (AIDP_SANDBOX=off on its worker); absent in older histories. */
  unsandboxed?: boolean;
}

export type WorkLoopStatus = 'running' | 'paused' | 'passed' | 'failed' | 'cancelled';

export interface WorkLoopResult {
  ok: boolean;
  iterations: number;
  reason?: string;
  agentMs: number;
  history: IterationRecord[];
  /** Some iteration's agent ran without a sandbox. */
  unsandboxed?: boolean;
}

export interface IterationProgress {
  unitId: string;
  iteration: number;
  provider?: string;
  phase: 'agent' | 'checks' | 'done';
}

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const injectInstructionSignal = defineSignal<[string]>('inject_instruction');
export const statusQuery = defineQuery<WorkLoopStatus>('status');
export const iterationCountQuery = defineQuery<number>('iteration_count');
export const historyQuery = defineQuery<IterationRecord[]>('history');
/** Sent by a work loop to the unit that runs it, so the feature can show live iterations. */
export const iterationProgressSignal = defineSignal<[IterationProgress]>('iteration_progress');
