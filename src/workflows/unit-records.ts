import type { AgentRunResult } from '../activities/agent/agent-activities.js';
import type { SetupResult } from '../activities/setup/run-setup.js';
import { environmentFailure, workerOf } from './environment-failure.js';
import type { AtomicUnitResult } from './atomic-unit/messages.js';
import type { IterationRecord } from './work-loop/messages.js';

/**
 * What a unit keeps of its worktree's setup: how it went (for the status) and the paths it made
 * (never counted as the agent's changes). A failed setup ends the unit as the environment's fault.
 */
export function acceptSetup(
  setup: SetupResult,
  where: { unitId: string; hostQueue: string; keepOut: string[] },
): { summary: { cache: SetupResult['cache']; durationMs: number }; keepOut: string[] } {
  if (!setup.ok) {
    throw environmentFailure(`setup failed for unit ${where.unitId} on worker ${workerOf(where.hostQueue)}; no agent ran. ${setup.failure ?? ''}`);
  }
  return { summary: { cache: setup.cache, durationMs: setup.durationMs }, keepOut: [...new Set([...where.keepOut, ...(setup.produced ?? [])])] };
}

/** An iteration's record once its agent ran: failed until the checks say otherwise. */
export function agentIterationRecord(iteration: number, run: Pick<AgentRunResult, 'provider' | 'ok' | 'reason' | 'durationMs' | 'sandboxed'>, filesChanged: number): IterationRecord {
  return {
    iteration,
    provider: run.provider,
    agentOk: run.ok,
    agentReason: run.reason,
    agentMs: run.durationMs,
    filesChanged,
    checks: [],
    outcome: 'agent_failed',
    ...(run.sandboxed === false ? { unsandboxed: true } : {}),
  };
}

/** A unit whose commit is pushed: completed, with its commit and files, and no error left. */
export function completedWith(result: AtomicUnitResult, commit: { sha: string; filesChanged: string[] }): AtomicUnitResult {
  result.status = 'completed';
  result.commitSha = commit.sha;
  result.filesChanged = commit.filesChanged;
  result.error = undefined;
  return result;
}
