import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  registry: Registry;
  /** 0 picks a free port; the bound one is returned. */
  port: number;
  host: string;
  /** Tried in order before /metrics and /healthz, e.g. the codec endpoint. */
  routes?: readonly HttpRoute[];
}

/** Answers the request and returns true, or returns false when the path is not its own. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface RunningMetricsServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`; scrape `${url}/metrics`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `GET /metrics` (Prometheus text format), `GET /healthz` (200 "ok") and the given routes; 404 for anything else. */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<RunningMetricsServer> {
  const server = createServer((req, res) => {
    void answerRoutes(opts.routes ?? [], req, res).then((answered) => (answered ? undefined : answer(opts.registry, req, res)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // A Prometheus scraper keeps its connection open; do not wait for it to hang up.
        server.closeIdleConnections();
      }),
  };
}

async function answerRoutes(routes: readonly HttpRoute[], req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  for (const route of routes) if (await route(req, res)) return true;
  return false;
}

async function answer(registry: Registry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://metrics').pathname;
  const readable = req.method === 'GET' || req.method === 'HEAD';
  if (path === '/healthz' && readable) return send(res, 200, 'text/plain; charset=utf-8', 'ok');
  if (path !== '/metrics' || !readable) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
  try {
    send(res, 200, registry.contentType, await registry.metrics());
  } catch (err) {
    send(res, 500, 'text/plain; charset=utf-8', `collecting metrics failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
