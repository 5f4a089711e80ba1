import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  TimeoutFailure,
} from '@temporalio/workflow';
import { HOST_LOST, WORKER_GONE_TYPES } from '../domain/failure-types.js';

/**
 * An activity on a host queue timed out (its worker died, or nobody serves that host any more),
 * was failed by its worker shutting down, or by the next worker of its host after a SIGKILL;
 * or it was cancelled by its worker rather than by us. Anything else is a real failure of the work.
 */
export function isHostLost(err: unknown): boolean {
  if (err instanceof ApplicationFailure) return err.type === HOST_LOST || WORKER_GONE_TYPES.includes(err.type ?? '');
  if (err instanceof ActivityFailure) return err.cause instanceof TimeoutFailure || err.cause instanceof CancelledFailure || isHostLost(err.cause);
  if (err instanceof ChildWorkflowFailure) return isHostLost(err.cause);
  return false;
}

/** True when this workflow (or the scope it runs in) was asked to cancel: not a worker going away. */
export function cancelRequested(): boolean {
  return CancellationScope.current().consideredCancelled;
}
