import { Context } from '@temporalio/activity';

type AsyncFn = (...args: never[]) => Promise<unknown>;

/**
 * Heartbeats every `everyMs` while the activity runs, so a worker that died is noticed after
 * the heartbeat timeout (seconds) instead of the start-to-close timeout (minutes). Outside an
 * activity (plain unit tests) it just calls through.
 */
export function withHeartbeat<F extends AsyncFn>(fn: F, everyMs = 1000): F {
  const wrapped = async (...args: Parameters<F>) => {
    let context: Context | undefined;
    try {
      context = Context.current();
    } catch {
      context = undefined; // not running as an activity
    }
    const timer = context ? setInterval(() => context?.heartbeat(), everyMs) : undefined;
    try {
      return await fn(...args);
    } finally {
      if (timer) clearInterval(timer);
    }
  };
  return wrapped as F;
}

/** The same object with every function wrapped by withHeartbeat. */
export function heartbeatAll<T extends Record<string, AsyncFn>>(activities: T, everyMs = 1000): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [name, withHeartbeat(fn, everyMs)]),
  ) as T;
}
