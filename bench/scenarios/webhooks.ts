import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { pino, type Logger } from 'pino';
import { ProbotOctokit } from 'probot';
import { createPermissionChecker } from '../../src/github/permissions.js';
import { createApp } from '../../src/handlers/app.js';
import { runDeferredDelivery } from '../../src/handlers/deferred.js';
import type { ProcessorPort } from '../../src/domain/processor-port.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { createTemporalProcessors } from '../../src/processors/temporal-processors.js';
import { startWebhookServer } from '../../src/server/webhook-server.js';
import { createAidpWorkers } from '../../src/temporal/worker-factory.js';
import { PREBUILT_BUNDLE_PATH } from '../../src/temporal/workflow-source.js';
import { freePort, percentile, sleep, tempDir, ROOT, type Figure } from '../support.js';

const SECRET = 'bench-webhook-secret';
const RATES = [25, 50, 100, 200];
const SECONDS_PER_RATE = 3;
/** Every answer of the fake GitHub takes this long, as a slow or rate-limited API does. */
const GITHUB_DELAY_MS = 3000;
const WRITER = 'writer';
const READER = 'reader';

/** GitHub's API, slow: no config file, writer or reader by login, comments and reactions accepted. Counts the comments. */
async function slowGitHub(): Promise<{ url: string; comments: () => number; server: Server }> {
  let comments = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    req.resume();
    setTimeout(() => {
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const permission = /\/collaborators\/([^/]+)\/permission$/.exec(path);
      if (permission) return json(200, { permission: permission[1] === WRITER ? 'write' : 'read' });
      if (path.includes('/contents/')) return json(404, { message: 'Not Found' });
      if (req.method === 'POST' && path.endsWith('/reactions')) return json(201, { id: 1 });
      if (req.method === 'POST' && path.endsWith('/comments')) return json(201, { id: ++comments, html_url: 'https://github.com/c' });
      return json(404, { message: 'Not Found' });
    }, GITHUB_DELAY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, comments: () => comments, server };
}

/** The processors a DeliveryWorkflow reaches, counting what it asked; the refusal window is Temporal's. */
function countingProcessors(client: Client) {
  const work = { builds: 0, signals: 0 };
  const refusals = createTemporalProcessors({ client });
  const unexpected = () => Promise.reject(new Error('the bench sends no such delivery'));
  const port: ProcessorPort = {
    startBuild: async (r) => (work.builds++, { workflowId: `bench-build-${r.issueNumber}`, started: true }),
    signalFeature: async () => (work.signals++, { delivered: true, workflowId: 'bench-feature' }),
    startPlan: unexpected,
    startReview: unexpected,
    startCiFix: unexpected,
    startChangeRequest: unexpected,
    retry: unexpected,
    setConcurrency: unexpected,
    status: unexpected,
    featurePullClosed: unexpected,
    claimRefusalReply: (claim) => refusals.claimRefusalReply(claim),
  };
  return { port, work };
}

type Kind = 'label' | 'command' | 'refused' | 'ignored';
/** A quarter each: a writer's build label, a writer's `/aidp pause`, a reader's label, a comment with no command. */
const KINDS: Kind[] = ['label', 'command', 'refused', 'ignored'];

function payloadFor(kind: Kind, issue: number, labeled: Record<string, unknown>, commented: Record<string, unknown>): { event: string; body: string } {
  const base = structuredClone(kind === 'label' || kind === 'refused' ? labeled : commented) as Record<string, Record<string, unknown>>;
  base.issue = { ...base.issue, number: issue, pull_request: undefined };
  const login = kind === 'refused' ? READER : WRITER;
  base.sender = { ...base.sender, login, type: 'User' };
  if (kind === 'label' || kind === 'refused') base.label = { name: 'aidp-build' };
  else base.comment = { ...base.comment, user: { login, type: 'User' }, body: kind === 'command' ? '/aidp pause' : 'thanks, looks good' };
  return { event: kind === 'label' || kind === 'refused' ? 'issues' : 'issue_comment', body: JSON.stringify(base) };
}

/**
 * Writers' labels and commands, readers' labels and plain comments, signed, at rising rates,
 * with GitHub answering every request in 3 s: the 2xx must not wait for it. Then the work the
 * deliveries led to is counted: builds started, pauses signalled, refusal replies posted.
 */
export async function webhooks(client: Client, native: NativeConnection, dataConverter: DataConverter | undefined, logger: Logger): Promise<Figure[]> {
  const github = await slowGitHub();
  const { port: processors, work } = countingProcessors(client);
  const webhooksWorkDir = tempDir('webhooks-work');
  const workers = await createAidpWorkers({
    connection: native,
    namespace: 'default',
    dataConverter,
    queues: ['orchestrator'],
    hostId: `bench-webhooks-${process.pid}`,
    workflows: { workflowBundle: { codePath: PREBUILT_BUNDLE_PATH } },
    maxConcurrentActivities: 200,
    maxConcurrentWorkflowTasks: 100,
    shutdownGraceMs: 1000,
    activityDeps: {
      workDir: webhooksWorkDir,
      logger,
      // No agent runs here; the deps still name the sandbox every worker has.
      sandbox: { enabled: true, bwrapPath: 'bwrap', readPaths: [], writePaths: [], protectedPaths: [webhooksWorkDir], workDir: webhooksWorkDir },
      secretEnvNames: [],
      secretValues: [],
      processors,
      runDelivery: runDeferredDelivery,
      octokitFor: async () => new ProbotOctokit({ auth: { token: 'ghs_bench' }, baseUrl: github.url, retry: { enabled: false }, throttle: { enabled: false } }),
    },
    logger,
  });
  const running = workers.run();

  const port = await freePort();
  const metrics = createMetrics();
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const server = await startWebhookServer({
    appId: 1,
    privateKey,
    webhookSecret: SECRET,
    host: '127.0.0.1',
    port,
    webhookPath: '/api/github/webhooks',
    baseUrl: github.url,
    logger: pino({ level: 'silent' }),
    app: createApp({ processors, deliveries: createTemporalProcessors({ client }), permissions: createPermissionChecker(), metrics }),
  });
  const read = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'webhooks', `${name}.json`), 'utf8')) as Record<string, unknown>;
  const [labeled, commented] = [read('issues.labeled'), read('issue_comment.created')];
  const url = `http://127.0.0.1:${port}/api/github/webhooks`;
  const figures: Figure[] = [];
  const sentOf: Record<Kind, number> = { label: 0, command: 0, refused: 0, ignored: 0 };
  let sustained = 0;
  let sent = 0;
  for (const rate of RATES) {
    const latencies: number[] = [];
    let errors = 0;
    const inflight: Promise<void>[] = [];
    const total = rate * SECONDS_PER_RATE;
    const started = Date.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const kind = KINDS[sent % KINDS.length]!;
      // A new issue per delivery: each reader's label is its own refusal window, each writer's its own build.
      const { event, body } = payloadFor(kind, sent + 1, labeled, commented);
      const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      sentOf[kind]++;
      sent++;
      const t = performance.now();
      inflight.push(
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature }, body }).then(
          async (r) => {
            await r.text();
            if (r.status >= 300) errors++;
            latencies.push(performance.now() - t);
          },
          () => void errors++,
        ),
      );
    }
    await Promise.all(inflight);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    if (errors === 0) sustained = rate;
    figures.push({
      scenario: `webhooks at ${rate}/s, GitHub ${GITHUB_DELAY_MS / 1000} s slow`,
      figure: 'p50 / p99 to the 2xx',
      value: `${p50.toFixed(1)} / ${p99.toFixed(1)}`,
      unit: 'ms',
      target: rate === 100 ? 'p99 < 100 ms' : undefined,
      met: rate === 100 ? p99 < 100 && errors === 0 : undefined,
    });
  }
  const sentAt = Date.now();
  const wanted = () => work.builds >= sentOf.label && work.signals >= sentOf.command && github.comments() >= sentOf.refused;
  while (!wanted() && Date.now() - sentAt < 180_000) await sleep(250);
  const drainedS = (Date.now() - sentAt) / 1000;
  const counted = (await metrics.registry.getSingleMetricAsString('aidp_deliveries_total'))
    .split('\n')
    .filter((l) => l.startsWith('aidp_deliveries_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  await server.stop();
  workers.shutdown();
  await running;
  github.server.close();
  figures.push({ scenario: 'webhooks', figure: 'highest rate with no error', value: sustained, unit: '/s' });
  figures.push({ scenario: 'webhooks', figure: 'deliveries acknowledged (queued or ignored) / sent', value: `${counted} / ${sent}`, unit: '', met: counted === sent });
  figures.push({
    scenario: 'webhooks',
    figure: 'work done / asked: builds, pauses, refusal replies',
    value: `${work.builds}/${sentOf.label}, ${work.signals}/${sentOf.command}, ${github.comments()}/${sentOf.refused}`,
    unit: '',
    met: work.builds === sentOf.label && work.signals === sentOf.command && github.comments() === sentOf.refused,
  });
  figures.push({ scenario: 'webhooks', figure: 'last work done, after the last delivery', value: drainedS.toFixed(1), unit: 's' });
  return figures;
}
