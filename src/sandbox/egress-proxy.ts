import { lookup } from 'node:dns/promises';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { isPublicAddress } from './address-ranges.js';
import { hostAllowed, normalizeHost } from '../domain/host-names.js';

/** Where the proxy reports its decisions: host and verdict only, never a URL path or a body. */
export interface NetworkLog {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

export interface EgressProxyOptions {
  /** The unix socket the proxy listens on; a stale file there is replaced. */
  socketPath: string;
  /** Host names, `*.domain` wildcards; see host-names.ts. */
  allow: readonly string[];
  log?: NetworkLog;
}

export interface EgressProxy {
  close(): Promise<void>;
}

/** A unix socket path longer than this does not fit in `sockaddr_un`. */
export const MAX_SOCKET_PATH_BYTES = 107;

/** Distinct hosts whose verdict one sandbox logs. */
const MAX_LOGGED_HOSTS = 200;

type Verdict = { ok: true; address: string } | { ok: false; status: 403 | 502; reason: string };

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function deniedText(host: string): string {
  return (
    `aidp sandbox: connections to ${host} are not allowed. ` +
    `To allow them, add "${host}" to sandbox.network.allow (agents), sandbox.network.checks_allow (checks) or sandbox.network.setup_allow (setup) in .github/aidp.yml.\n`
  );
}

/** `host:port` of a CONNECT, IPv6 in brackets; undefined when malformed. */
function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(authority);
  if (!match?.[1] || !match[2]) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: normalizeHost(match[1]), port } : undefined;
}

/**
 * An HTTP proxy on a unix socket that lets a sandbox reach the listed hosts only: CONNECT
 * tunnels (HTTPS and anything else over TLS) and absolute-URI plain HTTP requests. A host
 * outside the list gets 403 with a body that says how to allow it. A host name is connected to
 * only at a public address, whatever it resolves to; an address or `localhost` is reached only
 * when listed literally (tests, an operator's own list; the repository config cannot list them).
 */
export async function startEgressProxy(opts: EgressProxyOptions): Promise<EgressProxy> {
  if (Buffer.byteLength(opts.socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `the sandbox's proxy socket path ${opts.socketPath} is longer than ${MAX_SOCKET_PATH_BYTES} bytes: use a shorter run directory`,
    );
  }
  const literal = new Set(opts.allow.map(normalizeHost).filter((h) => isIP(h) !== 0 || h === 'localhost'));
  const seen = new Map<string, boolean>();
  let overflowed = false;

  const report = (host: string, allowed: boolean, reason?: string): void => {
    // One line per host and verdict, for so many hosts: an agent retrying in a loop, or trying
    // host after host, must not flood the log.
    if (seen.get(host) === allowed) return;
    if (seen.size >= MAX_LOGGED_HOSTS && !seen.has(host)) {
      if (!overflowed) opts.log?.warn('sandbox network: too many hosts, no more are logged', { hosts: seen.size });
      overflowed = true;
      return;
    }
    seen.set(host, allowed);
    if (allowed) opts.log?.info('sandbox network: allowed', { host, allowed });
    else opts.log?.warn('sandbox network: denied', { host, allowed, reason });
  };

  async function decide(host: string): Promise<Verdict> {
    if (!hostAllowed(opts.allow, host)) {
      report(host, false, 'not in the allow list');
      return { ok: false, status: 403, reason: deniedText(host) };
    }
    const privateOk = literal.has(host);
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    } catch (err) {
      report(host, false, `does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return { ok: false, status: 502, reason: `aidp sandbox: ${host} does not resolve.\n` };
    }
    const address = addresses.find((a) => privateOk || isPublicAddress(a));
    if (!address) {
      report(host, false, 'resolves to a non-public address');
      return {
        ok: false,
        status: 403,
        reason: `aidp sandbox: ${host} resolves to a private, loopback or link-local address; a sandbox never reaches those.\n`,
      };
    }
    report(host, true);
    return { ok: true, address };
  }

  function refuseRaw(socket: Duplex, status: number, body: string): void {
    const title = status === 403 ? 'Forbidden' : status === 400 ? 'Bad Request' : 'Bad Gateway';
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  function refuse(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    res.end(body);
  }

  async function onConnect(req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    client.on('error', () => client.destroy());
    const target = parseAuthority(req.url ?? '');
    if (!target) return refuseRaw(client, 400, 'aidp sandbox: CONNECT needs host:port.\n');
    const verdict = await decide(target.host);
    if (!verdict.ok) return refuseRaw(client, verdict.status, verdict.reason);
    const upstream: Socket = connect({ host: verdict.address, port: target.port });
    let open = false;
    upstream.once('connect', () => {
      open = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (open) client.destroy();
      else refuseRaw(client, 502, `aidp sandbox: cannot connect to ${target.host}:${target.port}.\n`);
    });
    client.on('close', () => upstream.destroy());
  }

  /** Headers without the hop-by-hop ones (and those the Connection header names). */
  function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
    const named = new Set(
      String(headers.connection ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase()),
    );
    const out: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!HOP_BY_HOP.has(name) && !named.has(name)) out[name] = value;
    }
    return out;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      return refuse(res, 400, 'aidp sandbox: this is a proxy; send absolute http:// URLs, or CONNECT for https.\n');
    }
    if (url.protocol !== 'http:') return refuse(res, 400, `aidp sandbox: ${url.protocol} is not proxied; use CONNECT.\n`);
    const host = normalizeHost(url.hostname);
    const verdict = await decide(host);
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
    const upstream = request({
      host: verdict.address,
      port: url.port ? Number(url.port) : 80,
      method: req.method,
      path: `${url.pathname}${url.search}`,
      // The upstream sees the host that was checked, never another one from the client's headers.
      headers: { ...endToEnd(req.headers), host: url.host },
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (res.headersSent) res.destroy();
      else refuse(res, 502, `aidp sandbox: cannot reach ${url.host}.\n`);
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  await rm(opts.socketPath, { force: true });
  const server = createServer();
  // Tunnels leave the HTTP server's bookkeeping: close() ends them from this set.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => void onConnect(req, socket, head));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => void onRequest(req, res));
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(opts.socketPath, 0o600);

  return {
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(opts.socketPath, { force: true });
    },
  };
}
