import { Probot, Server, run, type ApplicationFunction } from 'probot';
import type { Logger } from 'pino';

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
}

export interface RunningWebhookServer {
  /** False in Probot's setup mode: the page that registers the GitHub App from app.yml. */
  configured: boolean;
  url: string;
  stop(): Promise<void>;
}

/**
 * Probot's server on `webhookPath`. Without an app id, key and secret it runs Probot's setup
 * mode, as `probot run` does: open the URL and GitHub registers the app from app.yml.
 */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<RunningWebhookServer> {
  const url = `http://${opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${opts.port}`;
  if (!opts.appId || !opts.privateKey || !opts.webhookSecret) {
    const server = await run(opts.app, {
      log: opts.logger,
      env: { PORT: String(opts.port), HOST: opts.host, WEBHOOK_PATH: opts.webhookPath, NODE_ENV: 'development' },
    });
    return { configured: false, url, stop: () => server.stop() };
  }
  const server = new Server({
    host: opts.host,
    port: opts.port,
    webhookPath: opts.webhookPath,
    log: opts.logger,
    Probot: Probot.defaults({
      appId: opts.appId,
      privateKey: opts.privateKey,
      secret: opts.webhookSecret,
      baseUrl: opts.baseUrl,
      log: opts.logger,
    }),
  });
  await server.load(opts.app);
  await server.start();
  return { configured: true, url, stop: () => server.stop() };
}
