import type { IncomingMessage, ServerResponse } from 'node:http';
import { Probot, ProbotOctokit, Server, run, type ApplicationFunction } from 'probot';
import type { Logger } from 'pino';
import { bufferWithin, GITHUB_MAX_PAYLOAD_BYTES } from './body-limit.js';
import { deliveryLogger } from './delivery-log.js';

export interface WebhookServerOptions {
  appId?: number;
  privateKey?: string;
  webhookSecret?: string;
  host: string;
  port: number;
  webhookPath: string;
  /** GitHub Enterprise Server: `${protocol}://${host}/api/v3`. */
  baseUrl?: string;
  logger: Logger;
  app: ApplicationFunction;
  /** Bodies over this many bytes are answered 413 unread (default: GitHub's own 25 MB cap). */
  maxPayloadBytes?: number;
  /** The Octokit class installation clients are made from (Probot's by default). */
  Octokit?: typeof ProbotOctokit;
}

export interface RunningWebhookServer {
  /** False in Probot's setup mode: the page that registers the GitHub App from app.yml. */
  configured: boolean;
  url: string;
  stop(): Promise<void>;
}

/**
 * Probot's server on `webhookPath`, refusing bodies over `maxPayloadBytes` (413) before they
 * are read whole and logging errors without the delivery's payload. Without an app id, key and
 * secret it runs Probot's setup mode, as `probot run` does: open the URL and GitHub registers
 * the app from app.yml.
 */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<RunningWebhookServer> {
  const url = `http://${opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${opts.port}`;
  if (!opts.appId || !opts.privateKey || !opts.webhookSecret) {
    // Probot builds the setup-mode server itself: no body limit there, only the safe error log.
    const server = await run(opts.app, {
      log: deliveryLogger(opts.logger),
      env: { PORT: String(opts.port), HOST: opts.host, WEBHOOK_PATH: opts.webhookPath, NODE_ENV: 'development' },
    });
    return { configured: false, url, stop: () => server.stop() };
  }
  const log = deliveryLogger(opts.logger);
  const base = Probot.defaults({
    appId: opts.appId,
    privateKey: opts.privateKey,
    secret: opts.webhookSecret,
    baseUrl: opts.baseUrl,
    log,
    ...(opts.Octokit ? { Octokit: opts.Octokit } : {}),
  }) as typeof Probot;
  const server = new Server({
    host: opts.host,
    port: opts.port,
    webhookPath: opts.webhookPath,
    log,
    Probot: withBodyLimit(base, opts.maxPayloadBytes ?? GITHUB_MAX_PAYLOAD_BYTES, log),
  });
  await server.load(opts.app);
  await server.start();
  return { configured: true, url, stop: () => server.stop() };
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- @octokit/webhooks types `next` so
type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: Function) => Promise<boolean>;

/**
 * Probot whose webhook middleware, the first handler its Server runs, reads a body only up
 * to `maxBytes` (413 past it) and hands it to @octokit/webhooks as `req.body`, which then
 * verifies the signature of that string instead of reading the stream itself.
 */
function withBodyLimit(Base: typeof Probot, maxBytes: number, log: Logger): typeof Probot {
  return class extends Base {
    override async getNodeMiddleware(options?: Parameters<Probot['getNodeMiddleware']>[0]): Promise<NodeMiddleware> {
      const webhooks = (await super.getNodeMiddleware(options)) as NodeMiddleware;
      return async (req, res, next) => {
        if (req.method === 'GET' || req.method === 'HEAD') return webhooks(req, res, next);
        const outcome = await bufferWithin(req, res, maxBytes);
        if (outcome === 'read') return webhooks(req, res, next);
        // Headers only: a body that was not read whole is never logged, nor any part of it.
        const delivery = { delivery: req.headers['x-github-delivery'], event: req.headers['x-github-event'], declaredBytes: req.headers['content-length'] };
        if (outcome === 'too-large') log.warn(delivery, `webhook body over ${maxBytes} bytes refused (413)`);
        else log.info(delivery, 'webhook sender left before its body ended');
        return true;
      };
    }
  };
}
