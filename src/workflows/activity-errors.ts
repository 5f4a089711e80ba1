import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

/** Failure type for "the host holding the worktree stopped answering": the unit starts over. */
export const HOST_LOST = 'HostLost';

/**
 * An activity on a host queue timed out before or while running: its worker died or no worker
 * serves that host any more. Anything else is a real failure of the work.
 */
export function isHostLost(err: unknown): boolean {
  if (err instanceof ApplicationFailure && err.type === HOST_LOST) return true;
  if (err instanceof ActivityFailure) return err.cause instanceof TimeoutFailure;
  if (err instanceof Error && 'cause' in err && err.cause) return isHostLost(err.cause);
  return false;
}
