import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Connection, type ConnectionOptions } from '@temporalio/client';

export type ConnectOptions = Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey'>;

/** Why a Temporal frontend could not be used: each names what the operator checks. */
export type TemporalProblem = 'unreachable' | 'tls' | 'auth' | 'other';

export type TemporalHealth = { ok: true } | { ok: false; problem: TemporalProblem; detail: string };

/** gRPC status codes (grpc/status.h) of a refused call. */
const GRPC = { PERMISSION_DENIED: 7, UNAUTHENTICATED: 16 } as const;

/** The error and its causes, outermost first. */
function chain(err: unknown): unknown[] {
  const list: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && list.length < 5; e = (e as { cause?: unknown }).cause) list.push(e);
  return list;
}

/** The server answered and refused the credentials (gRPC UNAUTHENTICATED or PERMISSION_DENIED). */
export function isAuthFailure(err: unknown): boolean {
  const errors = chain(err);
  const codes = errors.map((e) => (e as { code?: unknown }).code);
  const text = errors.map((e) => (e instanceof Error ? e.message : String(e))).join(' | ');
  return codes.includes(GRPC.UNAUTHENTICATED) || codes.includes(GRPC.PERMISSION_DENIED) || /UNAUTHENTICATED|PERMISSION_DENIED/.test(text);
}

/** `host:port` or `[v6]:port`. */
function hostAndPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(at + 1)) };
}

/** Opens a TCP (or TLS) connection and closes it: undefined when it worked, else the error's message. */
function probe(open: () => Socket, readyEvent: 'connect' | 'secureConnect', timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = open();
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.once(readyEvent, () => done(undefined));
    socket.once('error', (err) => done(err.message));
  });
}

/**
 * Why a frontend that did not answer gRPC cannot be used: nothing at the address, or a TLS
 * handshake that fails (or one the server wanted and the client did not make); else `other`.
 */
async function diagnose(options: ConnectOptions, grpcDetail: string, timeoutMs: number): Promise<Extract<TemporalHealth, { ok: false }>> {
  const { host, port } = hostAndPort(options.address ?? '');
  const tcp = await probe(() => tcpConnect({ host, port }), 'connect', timeoutMs);
  if (tcp) return { ok: false, problem: 'unreachable', detail: tcp };
  const tls = options.tls && typeof options.tls === 'object' ? options.tls : {};
  const handshake = await probe(
    () =>
      tlsConnect({
        host,
        port,
        servername: tls.serverNameOverride ?? (/^[\d.:]+$/.test(host) ? undefined : host),
        ca: tls.serverRootCACertificate ? [Buffer.from(tls.serverRootCACertificate)] : undefined,
        cert: tls.clientCertPair ? Buffer.from(tls.clientCertPair.crt) : undefined,
        key: tls.clientCertPair ? Buffer.from(tls.clientCertPair.key) : undefined,
        ALPNProtocols: ['h2'],
      }),
    'secureConnect',
    timeoutMs,
  );
  if (options.tls && handshake) return { ok: false, problem: 'tls', detail: handshake };
  if (!options.tls && !handshake) return { ok: false, problem: 'tls', detail: 'the server speaks TLS and the client did not' };
  return { ok: false, problem: 'other', detail: grpcDetail };
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

/**
 * Connects and asks for the system info (and, given one, the namespace): undefined when the
 * frontend answered, else the error.
 */
async function tryConnect(options: ConnectOptions, timeoutMs: number, namespace?: string): Promise<unknown> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...options, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
    if (namespace) await connection.workflowService.describeNamespace({ namespace });
    return undefined;
  } catch (err) {
    return err ?? new Error('connect failed');
  } finally {
    await connection?.close();
  }
}

/** Whether a Temporal frontend answers within `timeoutMs`, and if not, why (probing TCP and TLS on its own). */
export async function temporalHealth(target: string | ConnectOptions, timeoutMs = 2000): Promise<TemporalHealth> {
  const options = typeof target === 'string' ? { address: target } : target;
  const err = await tryConnect(options, timeoutMs);
  if (err === undefined) return { ok: true };
  const detail = chain(err)
    .map((e) => (e instanceof Error ? e.message : String(e)).split('\n')[0])
    .join(': ');
  if (isAuthFailure(err)) return { ok: false, problem: 'auth', detail };
  // The frontend already had timeoutMs; the probes only tell why, so they get less.
  return diagnose(options, detail, Math.min(timeoutMs, 3000));
}

/** True when a Temporal frontend answers within `timeoutMs` (for pollers of a server still starting: no diagnosis). */
export async function temporalAnswers(target: string | ConnectOptions, timeoutMs = 2000, namespace?: string): Promise<boolean> {
  return (await tryConnect(typeof target === 'string' ? { address: target } : target, timeoutMs, namespace)) === undefined;
}

/**
 * Polls until Temporal answers and, given `namespace`, can describe it (a server that just started
 * on an old database may answer before it can read it); rejects after `timeoutMs` or as soon as
 * `stillStarting()` reports a problem.
 */
export async function waitForTemporal(
  address: string,
  opts: { timeoutMs: number; stillStarting?: () => string | undefined; namespace?: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    const problem = opts.stillStarting?.();
    if (problem) throw new Error(problem);
    if (await temporalAnswers(address, 1000, opts.namespace)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const what = opts.namespace ? `answer for its namespace ${opts.namespace}` : 'answer';
  throw new Error(`Temporal at ${address} did not ${what} within ${Math.round(opts.timeoutMs / 1000)} s`);
}
