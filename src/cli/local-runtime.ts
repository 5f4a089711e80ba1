import type { Client } from '@temporalio/client';
import { connectClient, connectWorker, openEngine, workflowUiUrl, type TemporalEndpoint } from '../temporal/engine.js';
import { defaultHostId } from '../temporal/host-id.js';
import { installRuntime } from '../temporal/runtime.js';
import { hostQueueName, QUEUE_KINDS, type QueueKind } from '../domain/task-queues.js';
import { createAidpWorkers, type AidpWorkers } from '../temporal/worker-factory.js';
import { defaultWorkflowSource, type WorkflowSource } from '../temporal/workflow-source.js';
import { registerWorker, servedQueues } from '../temporal/worker-registry.js';
import { ensureSearchAttributes } from '../temporal/search-attribute-registry.js';
import { createMetrics, type AidpMetrics } from '../metrics/metrics.js';
import { startMetricsServer, type RunningMetricsServer } from '../metrics/metrics-server.js';
import { temporalMetricsBindAddress, temporalRuntimeTelemetry } from '../metrics/temporal-telemetry.js';
import { runDeferredDelivery } from '../handlers/deferred.js';
import { createTemporalProcessors } from '../processors/temporal-processors.js';
import { codecRoutes } from './codec.js';
import { requireSandbox, SANDBOX_OFF_WARNING } from '../sandbox/unavailable.js';
import { sandboxSettings } from '../sandbox/settings.js';
import { activityDeps, engineConfig, type CliContext } from './context.js';

export interface LocalRuntime {
  endpoint: TemporalEndpoint;
  client: Client;
  /** Present when this process runs workers of its own. */
  workers?: AidpWorkers;
  /** Settles when the workers have drained. */
  workersDone?: Promise<void>;
  hostQueue: string;
  /** aidp's metrics, when this process serves /metrics. */
  metrics?: AidpMetrics;
  close(): Promise<void>;
}

export interface WorkerPlan {
  /** `auto`: only when no live `aidp start`/`aidp worker` serves this work dir. */
  mode: 'auto' | 'always' | 'never';
  queues?: readonly QueueKind[];
  workflows?: WorkflowSource;
  /** Long-running processes (`start`, `worker`) serve /metrics, aidp's and the SDK's. */
  serveMetrics?: boolean;
}

/** What a reconcile pass or a DeliveryWorkflow starts, through the same processors the webhooks use. */
function reconcileStarts(client: Client, endpoint: TemporalEndpoint, metrics?: AidpMetrics) {
  const processors = createTemporalProcessors({ client, metrics, uiUrlOf: (id) => workflowUiUrl(endpoint, id) });
  return { processors, runDelivery: runDeferredDelivery, startBuildIfNew: processors.startBuildIfNew, buildExists: processors.buildExists, startCiFix: processors.startCiFix };
}

/** An embedded server another aidp started before the key was set has a Web UI that cannot decode. */
function warnIfUiCannotDecode(ctx: CliContext, endpoint: TemporalEndpoint): void {
  const server = endpoint.embedded;
  const wanted = engineConfig(ctx.env).uiCodecEndpoint;
  if (!server?.reused || server.uiCodecEndpoint === wanted) return;
  ctx.logger.warn(
    { uiCodecEndpoint: server.uiCodecEndpoint ?? null, wanted },
    'the embedded Temporal server was started with another codec endpoint, so its Web UI may not decode payloads; stop every aidp on this work dir to restart it, or set the endpoint in the Web UI',
  );
}

/** Temporal (embedded or cluster), a client, and workers in this process when needed. */
export async function openLocalRuntime(ctx: CliContext, plan: WorkerPlan): Promise<LocalRuntime> {
  const wanted = plan.queues ?? QUEUE_KINDS;
  const served = servedQueues(ctx.env.workDir);
  const missing = wanted.filter((q) => !served.has(q));
  const runWorkers = plan.mode === 'always' || (plan.mode === 'auto' && missing.length > 0);
  // Every queue's worker runs agents (decompose on the orchestrator queue, units on the agent queue):
  // without a working sandbox nothing starts.
  if (runWorkers) await requireSandbox(sandboxSettings(ctx.env));
  if (runWorkers && ctx.env.sandbox === 'off') ctx.logger.warn(SANDBOX_OFF_WARNING);
  const endpoint = await openEngine(engineConfig(ctx.env));
  const client = await connectClient(endpoint);
  // Every workflow aidp starts carries its search attributes: a namespace without them refuses the start.
  try {
    const { added, uncheckable } = await ensureSearchAttributes(client, endpoint.namespace);
    if (added.length) ctx.logger.info({ namespace: endpoint.namespace, added }, 'registered aidp search attributes');
    if (uncheckable) ctx.logger.warn({ namespace: endpoint.namespace }, `could not check aidp's search attributes: ${uncheckable}`);
  } catch (err) {
    await client.connection.close();
    await endpoint.close();
    throw err;
  }
  const hostId = defaultHostId(ctx.env.workDir);

  let workers: AidpWorkers | undefined;
  let workersDone: Promise<void> | undefined;
  let unregister: (() => void) | undefined;
  let closeWorkerConnection: (() => Promise<void>) | undefined;
  let metricsServer: RunningMetricsServer | undefined;
  const metrics = plan.serveMetrics ? createMetrics() : undefined;
  if (metrics) {
    metricsServer = await startMetricsServer({
      registry: metrics.registry,
      port: ctx.env.metricsPort,
      host: ctx.env.host,
      routes: codecRoutes(ctx.env, endpoint),
    });
    ctx.logger.info({ url: metricsServer.url }, 'metrics');
  }
  if (endpoint.dataConverter) warnIfUiCannotDecode(ctx, endpoint);
  if (metricsServer && endpoint.dataConverter) {
    ctx.logger.info({ url: `${metricsServer.url}/codec`, tokenRequired: Boolean(ctx.env.codecToken) }, 'payloads encrypted; codec endpoint for the Web UI');
  }
  /** The worker's and the client's connections, /metrics and the engine: what close() ends after the workers. */
  const closeConnections = async (): Promise<void> => {
    await closeWorkerConnection?.();
    await client.connection.close();
    await metricsServer?.close();
    await endpoint.close();
  };
  if (runWorkers) {
    try {
      installRuntime(
        ctx.logger,
        plan.serveMetrics ? temporalRuntimeTelemetry(temporalMetricsBindAddress(ctx.env.metricsPort, ctx.env.host)) : undefined,
      );
      const connection = await connectWorker(endpoint);
      closeWorkerConnection = () => connection.close();
      const queues = plan.mode === 'always' ? wanted : missing;
      workers = await createAidpWorkers({
        connection,
        namespace: endpoint.namespace,
        dataConverter: endpoint.dataConverter,
        queues,
        hostId,
        workflows: plan.workflows ?? defaultWorkflowSource(),
        maxConcurrentActivities: ctx.env.maxConcurrentActivities,
        maxConcurrentWorkflowTasks: ctx.env.maxConcurrentWorkflowTasks,
        shutdownGraceMs: ctx.env.shutdownGraceSeconds * 1000,
        activityDeps: { ...activityDeps(ctx), temporalClient: client, metrics, ...reconcileStarts(client, endpoint, metrics) },
        logger: ctx.logger,
      });
      unregister = registerWorker(ctx.env.workDir, queues);
      workersDone = workers.run().finally(() => unregister?.());
    } catch (err) {
      // E.g. the SDK's metrics port taken: close what is open, so the process exits with the error
      // instead of staying up, serving /metrics, with no worker.
      await closeConnections().catch(() => undefined);
      throw err;
    }
  }
  return {
    endpoint,
    client,
    workers,
    workersDone,
    hostQueue: workers?.hostQueue ?? hostQueueName(hostId),
    metrics,
    async close() {
      workers?.shutdown();
      await workersDone?.catch((err: unknown) => ctx.logger.error({ err }, 'worker stopped with an error'));
      await closeConnections();
    },
  };
}
