import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  TimeoutFailure,
} from '@temporalio/workflow';

/** Failure type for "the host holding the worktree stopped answering": the unit starts over. */
export const HOST_LOST = 'HostLost';

/**
 * An activity on a host queue timed out (its worker died, or nobody serves that host any more),
 * or was cancelled by its worker shutting down rather than by us. Anything else is a real
 * failure of the work.
 */
export function isHostLost(err: unknown): boolean {
  if (err instanceof ApplicationFailure) return err.type === HOST_LOST;
  if (err instanceof ActivityFailure) return err.cause instanceof TimeoutFailure || err.cause instanceof CancelledFailure;
  if (err instanceof ChildWorkflowFailure) return isHostLost(err.cause);
  return false;
}

/** True when this workflow (or the scope it runs in) was asked to cancel: not a worker going away. */
export function cancelRequested(): boolean {
  return CancellationScope.current().consideredCancelled;
}
