import type { ActivityCancellationType, ActivityOptions, RetryPolicy } from '@temporalio/workflow';

type Duration = NonNullable<ActivityOptions['startToCloseTimeout']>;

/** How long an activity on a host queue may wait to start: nobody polls a dead host's queue. */
const HOST_SCHEDULE_TO_START = '60s';
/** A host whose activity misses heartbeats this long is taken for lost (isHostLost). */
const HOST_HEARTBEAT = '10s';

/**
 * Options of activities pinned to one host's queue (`hostQueueName`): the work needs that host's
 * worktree or mirror. A host that died never starts the activity (schedule-to-start) or stops
 * heartbeating (heartbeat), so its loss shows within a minute as a timeout, which isHostLost
 * reads and onClaimedHost answers with a fresh claim. `scheduleToStart` is shorter only where a
 * step must not wait long on a host that may be gone (cleanups, resumes).
 */
export function hostActivityOptions(
  hostQueue: string,
  options: { startToClose: Duration; retry?: RetryPolicy; cancellation?: ActivityCancellationType; scheduleToStart?: Duration },
): ActivityOptions {
  return {
    taskQueue: hostQueue,
    scheduleToStartTimeout: options.scheduleToStart ?? HOST_SCHEDULE_TO_START,
    heartbeatTimeout: HOST_HEARTBEAT,
    startToCloseTimeout: options.startToClose,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.cancellation !== undefined ? { cancellationType: options.cancellation } : {}),
  };
}
