import type { Command } from 'commander';
import { appIsConfigured } from '../../config/env.js';
import { createApp } from '../../handlers/app.js';
import { createMetrics } from '../../metrics/metrics.js';
import { startMetricsServer } from '../../metrics/metrics-server.js';
import { startWebhookServer } from '../../server/webhook-server.js';
import type { Client } from '@temporalio/client';
import { apiBaseUrlOf, gitHubHostOf } from '../../github/github-host.js';
import { createPermissionChecker } from '../../github/permissions.js';
import type { AidpMetrics } from '../../metrics/metrics.js';
import { createTemporalProcessors } from '../../processors/temporal-processors.js';
import { connectClient, openEngine, workflowUiUrl, type TemporalEndpoint } from '../../temporal/engine.js';
import { ensureReconcileSchedule, RECONCILE_SCHEDULE_ID } from '../../temporal/reconcile-schedule.js';
import { DEFAULT_LABELS } from '../../domain/labels.js';
import { QUEUE_KINDS, type QueueKind } from '../../domain/task-queues.js';
import { engineConfig, loadCliContext, type CliContext } from '../context.js';
import { InputError } from '../../domain/input-error.js';
import { openLocalRuntime } from '../local-runtime.js';
import { ensureSearchAttributes } from '../../temporal/search-attribute-registry.js';
import { codecRoutes } from '../codec.js';

function queuesOption(queue?: string): readonly QueueKind[] {
  if (!queue) return QUEUE_KINDS;
  if (!(QUEUE_KINDS as readonly string[]).includes(queue)) {
    throw new InputError(`--queue must be one of ${QUEUE_KINDS.join(', ')} (got "${queue}")`);
  }
  return [queue as QueueKind];
}

function webhookServer(ctx: CliContext, client: Client, endpoint: TemporalEndpoint, metrics: AidpMetrics) {
  const { env } = ctx;
  const github = gitHubHostOf(env);
  const processors = createTemporalProcessors({ client, uiUrlOf: (id) => workflowUiUrl(endpoint, id), metrics });
  return startWebhookServer({
    appId: env.appId,
    privateKey: env.privateKey,
    webhookSecret: env.webhookSecret,
    host: env.host,
    port: env.port,
    webhookPath: env.webhookPath,
    baseUrl: apiBaseUrlOf(github),
    logger: ctx.logger,
    app: createApp({
      processors,
      deliveries: processors,
      permissions: createPermissionChecker(),
      appId: env.appId,
      github,
      metrics,
    }),
  });
}

/** With an app configured: the `aidp-reconcile` schedule, created or updated. */
async function scheduleReconcile(ctx: CliContext, client: Client): Promise<void> {
  if (!appIsConfigured(ctx.env)) return;
  await ensureReconcileSchedule(client, { intervalMinutes: ctx.env.reconcileIntervalMinutes, buildLabel: DEFAULT_LABELS.build });
  announce(`schedule ${RECONCILE_SCHEDULE_ID}: every ${ctx.env.reconcileIntervalMinutes} min, starts builds whose webhook was missed`);
}

function announce(line: string): void {
  process.stderr.write(`aidp: ${line}\n`);
}

/** Resolves on the first SIGINT/SIGTERM: for processes with no worker (the Runtime handles those). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export function registerServeCommands(program: Command): void {
  program
    .command('start')
    .description('run everything on this machine: Temporal (embedded unless TEMPORAL_ADDRESS is set), a worker and the webhook server')
    .option('--queue <queue>', `only this worker queue: ${QUEUE_KINDS.join(' or ')} (default both)`)
    .action(async (opts: { queue?: string }) => {
      const ctx = loadCliContext();
      const runtime = await openLocalRuntime(ctx, { mode: 'always', queues: queuesOption(opts.queue), serveMetrics: true });
      announce(`Temporal ${runtime.endpoint.address} (namespace ${runtime.endpoint.namespace})`);
      if (runtime.endpoint.uiUrl) announce(`Web UI ${runtime.endpoint.uiUrl}`);
      const server = await webhookServer(ctx, runtime.client, runtime.endpoint, runtime.metrics ?? createMetrics());
      await scheduleReconcile(ctx, runtime.client);
      announce(
        server.configured
          ? `webhooks on ${server.url}${ctx.env.webhookPath}`
          : `no GitHub App configured: open ${server.url} to register one from app.yml`,
      );
      announce(`worker on ${runtime.workers?.taskQueues.join(', ')}; Ctrl-C drains and stops`);
      await runtime.workersDone;
      await server.stop();
      await runtime.close();
    });

  program
    .command('server')
    .description('run the webhook server alone, against a Temporal cluster (scale-out)')
    .action(async () => {
      const ctx = loadCliContext();
      if (!appIsConfigured(ctx.env)) announce('APP_ID, PRIVATE_KEY and WEBHOOK_SECRET are not all set: starting the setup page');
      const endpoint = await openEngine(engineConfig(ctx.env));
      const client = await connectClient(endpoint);
      const { added, uncheckable } = await ensureSearchAttributes(client, endpoint.namespace);
      if (added.length) announce(`registered search attributes ${added.join(', ')} on namespace ${endpoint.namespace}`);
      if (uncheckable) announce(`warning: could not check aidp's search attributes: ${uncheckable}`);
      const aidpMetrics = createMetrics();
      const server = await webhookServer(ctx, client, endpoint, aidpMetrics);
      await scheduleReconcile(ctx, client);
      const metrics = await startMetricsServer({
        registry: aidpMetrics.registry,
        port: ctx.env.metricsPort,
        host: ctx.env.host,
        routes: codecRoutes(ctx.env, endpoint),
      });
      announce(`webhooks on ${server.url}${ctx.env.webhookPath}; metrics ${metrics.url}; Temporal ${endpoint.address}`);
      await untilSignal();
      await server.stop();
      await metrics.close();
      await client.connection.close();
      await endpoint.close();
    });

  program
    .command('worker')
    .description('run a worker alone (both queues by default), against a Temporal cluster or the embedded server')
    .option('--queue <queue>', `only this queue: ${QUEUE_KINDS.join(' or ')}`)
    .addHelpText(
      'after',
      [
        '',
        'Stopping and restarting:',
        '  SIGINT/SIGTERM drains: running activities get AIDP_SHUTDOWN_GRACE_SECONDS, then are',
        '  cancelled, and the units they belonged to start over on the next worker.',
        '  An agent worker restarted with the same AIDP_HOST_ID and AIDP_WORKDIR (the defaults',
        '  are stable on one machine) resumes what a killed predecessor left at once: it kills',
        "  that worker's agents and fails its running activities, so their units start over.",
      ].join('\n'),
    )
    .action(async (opts: { queue?: string }) => {
      const ctx = loadCliContext();
      const runtime = await openLocalRuntime(ctx, { mode: 'always', queues: queuesOption(opts.queue), serveMetrics: true });
      announce(`worker on ${runtime.workers?.taskQueues.join(', ')} at Temporal ${runtime.endpoint.address}`);
      announce(`SIGINT/SIGTERM drains: running activities get ${ctx.env.shutdownGraceSeconds} s, then are cancelled`);
      await runtime.workersDone;
      await runtime.close();
      announce('worker stopped');
    });

  program
    .command('temporal')
    .description('start the embedded Temporal dev server, or show the one already running for this work dir')
    .action(async () => {
      const ctx = loadCliContext();
      if (ctx.env.engine !== 'embedded') {
        announce(`engine is "temporal": using ${ctx.env.temporalAddress}; nothing to start`);
        return;
      }
      const endpoint = await openEngine(engineConfig(ctx.env));
      const server = endpoint.embedded;
      process.stdout.write(`address: ${endpoint.address}\nnamespace: ${endpoint.namespace}\nui: ${endpoint.uiUrl ?? '-'}\n`);
      if (server?.reused) {
        announce('already running for this work dir');
        return;
      }
      announce(`started; log in ${server?.logFile}; Ctrl-C stops it`);
      await untilSignal();
      await endpoint.close();
    });
}
