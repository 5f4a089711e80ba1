import type { Logger } from 'pino';

/** Longer messages are cut: a message is for reading, and must never carry a payload whole. */
const MAX_MESSAGE = 1000;
const MAX_NESTED = 5;

/**
 * An error as the webhook path logs it: its class, message, HTTP status and stack, and the
 * same for the errors it wraps. Never its other fields: @octokit/webhooks attaches the
 * delivery (`event`, with the raw payload) to every error it reports, and Octokit's errors
 * carry the request and GitHub's response.
 */
export function deliveryError(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const out: Record<string, unknown> = { type: err.name, message: clip(err.message) };
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number') out.status = status;
  if (err.stack) out.stack = clip(err.stack);
  if (depth < 2 && err instanceof AggregateError) out.errors = (err.errors as unknown[]).slice(0, MAX_NESTED).map((inner) => deliveryError(inner, depth + 1));
  if (depth < 2 && err.cause !== undefined) out.cause = deliveryError(err.cause, depth + 1);
  return out;
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}… (${text.length - MAX_MESSAGE} more characters)` : text;
}

/** The logger Probot and the handlers get: errors through `deliveryError`, so no payload reaches a log line. */
export function deliveryLogger(logger: Logger): Logger {
  return logger.child({}, { serializers: { err: deliveryError, error: deliveryError } });
}
