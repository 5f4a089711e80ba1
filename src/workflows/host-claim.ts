import { ActivityFailure, ApplicationFailure, log, patched, TimeoutFailure } from '@temporalio/workflow';
import { HOST_LOST } from '../domain/failure-types.js';
import { cancelRequested, isHostLost } from './activity-errors.js';
import { workerOf } from './environment-failure.js';

/** Hosts a host-bound workflow may claim in all (the first included) before it fails HostLost. */
export const MAX_HOST_ATTEMPTS = 3;

export interface HostClaim {
  /** What runs on the host, for the log and the HostLost message ("merge of feature x"). */
  what: string;
  /** Claims a host (claimHost on the shared agent queue): any free worker answers with its queue. */
  claim: () => Promise<string>;
  /**
   * patched() id guarding the fresh claim: a run that failed on a lost host before this code
   * existed replays as it ran (the failure goes on up); new runs record the marker and claim again.
   */
  patchId: string;
  /** The host already claimed for the first attempt (the workflow needed it earlier); else one is claimed. */
  claimed?: string;
  /** Called when a host is given up, before the next claim: forget what lives on it (a worktree path). */
  onLost?: (hostQueue: string) => void;
}

/**
 * Runs `work` on a claimed host. When that host is lost (an activity on it stopped heartbeating,
 * never started, or its worker went away: hostGone), whatever it held is out of reach: claim another host and run
 * `work` again from the start, up to MAX_HOST_ATTEMPTS hosts, then fail with HostLost. Any
 * other failure, and a cancel, goes up unchanged.
 */
export async function onClaimedHost<T>(claim: HostClaim, work: (hostQueue: string, attempt: number) => Promise<T>): Promise<T> {
  let hostQueue = claim.claimed ?? (await claim.claim());
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(hostQueue, attempt);
    } catch (err) {
      if (cancelRequested() || !hostGone(err) || !patched(claim.patchId)) throw err;
      claim.onLost?.(hostQueue);
      if (attempt >= MAX_HOST_ATTEMPTS) {
        throw ApplicationFailure.nonRetryable(`${claim.what}: the host it ran on was lost ${MAX_HOST_ATTEMPTS} times`, HOST_LOST);
      }
      log.warn(`the host of the ${claim.what} was lost; starting over on another host`, { host: workerOf(hostQueue), attempt, error: err instanceof Error ? err.message : String(err) });
    }
    hostQueue = await claim.claim();
  }
}

/** True when a failure ends this host's attempt and onClaimedHost will claim again: skip cleanups on that host. */
export function hostGivenUp(err: unknown, patchId: string): boolean {
  return !cancelRequested() && hostGone(err) && patched(patchId);
}

/**
 * isHostLost, less an activity that ran out of its own time: every host activity heartbeats, so
 * a dead host shows as a heartbeat or schedule-to-start timeout (or its worker's own report). A
 * start-to-close timeout is the work's (a GitHub call between host steps that never answered).
 */
function hostGone(err: unknown): boolean {
  const timedOut = err instanceof ActivityFailure && err.cause instanceof TimeoutFailure ? err.cause : undefined;
  return isHostLost(err) && timedOut?.timeoutType !== 'START_TO_CLOSE';
}
