import { log } from '@temporalio/workflow';

/**
 * For a failure a workflow goes on without (a best-effort cleanup, a signal to a unit that
 * already ended): logged with what was being done, never dropped silently. Replay-safe: the
 * workflow logger does not log again when a history is replayed.
 */
export function logSwallowed(what: string, context: Record<string, unknown> = {}): (err: unknown) => undefined {
  return (err) => {
    log.warn(`could not ${what}; going on without it`, { ...context, error: err instanceof Error ? err.message : String(err) });
    return undefined;
  };
}
