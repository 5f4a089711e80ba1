/**
 * The message of an error's innermost cause: Temporal wraps the reason (an update validator's
 * refusal, an activity's failure, a child's failure) in causes that only say where it happened.
 * Pure: workflows, processors and the CLI use it.
 */
export function innermostMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(err);
}
