import { ActivityCancellationType, ActivityFailure, ApplicationFailure, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { HostActivities } from '../../activities/index.js';
import { BASE_BRANCH_MISSING, UNSAFE_PATH, WORKER_GONE_TYPES, WORKTREE_TAMPERED } from '../../domain/failure-types.js';
import { setupSeconds, type SetupSettings } from '../../domain/setup.js';
import { hostActivityOptions } from '../host-options.js';
import type { NamedCheck } from '../work-loop/messages.js';

/**
 * Activity options of a unit's steps on its host queue. A step is never retried by Temporal: the
 * unit workflow decides. A worker that restarted on the same host reports the step it found
 * interrupted, and the step runs there again (a finished agent is not re-run: its outcome is
 * journalled); a host that stops heartbeating is lost, and the unit starts over elsewhere.
 */
export function unitStepOptions(hostQueue: string, limits: { agentTimeoutMs: number; providers: number; checks: NamedCheck[] }) {
  const checksSeconds = limits.checks.reduce((sum, c) => sum + c.timeout_seconds, 0);
  const step = (startToClose: Duration, scheduleToStart?: Duration) =>
    hostActivityOptions(hostQueue, {
      startToClose,
      // Nobody polls a dead host's queue: a step that waits long to start means the host is gone.
      ...(scheduleToStart ? { scheduleToStart } : {}),
      retry: { maximumAttempts: 1 },
      // A cancel is done only when the agent's (or check's) process group is dead.
      cancellation: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    });
  return {
    agent: step(limits.agentTimeoutMs * limits.providers + 60_000),
    checks: step((checksSeconds + 60) * 1000),
    finish: step('10m'),
    /** Agent, checks and finish in one step. */
    iteration: step(limits.agentTimeoutMs * limits.providers + (checksSeconds + 60) * 1000 + 10 * 60_000 + 60_000),
    /** Cleanup after a failure: best effort, and never waits long on a host that is gone. */
    discard: step('2m', '20s'),
  };
}

/**
 * The unit's steps on its host. `resumed`: run again after the host's worker restarted; waits
 * only briefly for the host to answer before the unit gives it up.
 */
export function unitSteps(hostQueue: string, limits: Parameters<typeof unitStepOptions>[1], resumed = false) {
  const options = unitStepOptions(hostQueue, limits);
  if (resumed) for (const o of Object.values(options)) Object.assign(o, { scheduleToStartTimeout: '15s' });
  return {
    agent: proxyActivities<HostActivities>(options.agent).runAgent,
    checks: proxyActivities<HostActivities>(options.checks).runChecks,
    finish: proxyActivities<HostActivities>(options.finish).finishUnit,
    iteration: proxyActivities<HostActivities>(options.iteration).runIteration,
    discard: proxyActivities<HostActivities>(options.discard).discardUnit,
  };
}

/** prepareUnit's options: on the shared agent queue, retried by Temporal on whichever host is free. */
export function prepareOptions(agentQueue: string, setup: SetupSettings | undefined): ActivityOptions {
  return {
    taskQueue: agentQueue,
    heartbeatTimeout: '10s',
    // A first mirror clone of a large repository can take long; setup adds its own timeout.
    startToCloseTimeout: 30 * 60_000 + (setup ? setupSeconds(setup) * 1000 : 0),
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: [UNSAFE_PATH, BASE_BRANCH_MISSING, WORKTREE_TAMPERED] },
  };
}

/** The step's worker went away and a worker of the same host says so: its worktree is still there. */
export function workerRestartedOnHost(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && WORKER_GONE_TYPES.includes(err.cause.type ?? '');
}
