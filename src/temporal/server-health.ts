import { Connection, type ConnectionOptions } from '@temporalio/client';

export type ConnectOptions = Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey'>;

/** Why a Temporal frontend could not be used: each names what the operator checks. */
export type TemporalProblem = 'unreachable' | 'tls' | 'auth' | 'other';

export type TemporalHealth = { ok: true } | { ok: false; problem: TemporalProblem; detail: string };

/** gRPC status codes (grpc/status.h) the client reports. */
const GRPC = { DEADLINE_EXCEEDED: 4, PERMISSION_DENIED: 7, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

/** The error and its causes, outermost first. */
function chain(err: unknown): unknown[] {
  const list: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && list.length < 5; e = (e as { cause?: unknown }).cause) list.push(e);
  return list;
}

/** Which problem a failed connect or call shows: by gRPC status code first, then by the text. */
export function temporalProblemOf(err: unknown): TemporalProblem {
  const errors = chain(err);
  const codes = errors.map((e) => (e as { code?: unknown }).code).filter((c): c is number => typeof c === 'number');
  const text = errors.map((e) => (e instanceof Error ? e.message : String(e))).join(' | ');
  if (codes.includes(GRPC.UNAUTHENTICATED) || codes.includes(GRPC.PERMISSION_DENIED) || /unauthenticated|permission denied|api key/i.test(text)) {
    return 'auth';
  }
  if (/\b(ssl|tls)\b|certificate|handshake|wrong version number|alpn/i.test(text)) return 'tls';
  if (codes.includes(GRPC.UNAVAILABLE) || codes.includes(GRPC.DEADLINE_EXCEEDED) || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|timed? ?out|deadline/i.test(text)) {
    return 'unreachable';
  }
  return 'other';
}

/** One line for an operator: what failed and where to look. */
export function describeTemporalProblem(address: string, health: Extract<TemporalHealth, { ok: false }>, timeoutMs: number): string {
  switch (health.problem) {
    case 'unreachable':
      return `Temporal at ${address} did not answer within ${timeoutMs / 1000} s; check TEMPORAL_ADDRESS (${health.detail})`;
    case 'tls':
      return `Temporal at ${address} failed the TLS handshake; check TEMPORAL_TLS, TEMPORAL_TLS_CA_PATH and TEMPORAL_TLS_SERVER_NAME (${health.detail})`;
    case 'auth':
      return `Temporal at ${address} refused the credentials; check TEMPORAL_API_KEY and the namespace's permissions (${health.detail})`;
    default:
      return `Temporal at ${address} could not be used: ${health.detail}`;
  }
}

/** Whether a Temporal frontend answers within `timeoutMs`, and if not, why. */
export async function temporalHealth(target: string | ConnectOptions, timeoutMs = 2000): Promise<TemporalHealth> {
  const options = typeof target === 'string' ? { address: target } : target;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...options, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
    return { ok: true };
  } catch (err) {
    const detail = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    return { ok: false, problem: temporalProblemOf(err), detail };
  } finally {
    await connection?.close();
  }
}

/** True when a Temporal frontend answers within `timeoutMs` (for pollers of a server still starting). */
export async function temporalAnswers(target: string | ConnectOptions, timeoutMs = 2000): Promise<boolean> {
  return (await temporalHealth(target, timeoutMs)).ok;
}

/** Polls until Temporal answers; rejects after `timeoutMs` or as soon as `stillStarting()` reports a problem. */
export async function waitForTemporal(
  address: string,
  opts: { timeoutMs: number; stillStarting?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    const problem = opts.stillStarting?.();
    if (problem) throw new Error(problem);
    if (await temporalAnswers(address, 1000)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Temporal at ${address} did not answer within ${Math.round(opts.timeoutMs / 1000)} s`);
}
