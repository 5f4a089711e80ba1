import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { createPermissionChecker } from '../../src/github/permissions.js';
import { createApp } from '../../src/handlers/app.js';
import type { ProcessorPort } from '../../src/handlers/processor-port.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { startWebhookServer } from '../../src/server/webhook-server.js';
import { freePort, percentile, sleep, ROOT, type Figure } from '../support.js';

const SECRET = 'bench-webhook-secret';
const RATES = [25, 50, 100, 200];
const SECONDS_PER_RATE = 3;

/** No processor is ever reached: the deliveries carry a label aidp ignores, decided with no API call. */
const unreachable = new Proxy({} as ProcessorPort, {
  get: () => () => Promise.reject(new Error('the bench payload must not reach a processor')),
});

export async function webhooks(): Promise<Figure[]> {
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
    logger: pino({ level: 'silent' }),
    app: createApp({ processors: unreachable, permissions: createPermissionChecker(), metrics }),
  });
  const payload = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'webhooks', 'issues.labeled.json'), 'utf8'));
  payload.label.name = 'not-an-aidp-label';
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const url = `http://127.0.0.1:${port}/api/github/webhooks`;
  const figures: Figure[] = [];
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
      const t = performance.now();
      sent++;
      inflight.push(
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature },
          body,
        }).then(
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
      scenario: `webhooks at ${rate}/s`,
      figure: 'p50 / p99 to the 2xx',
      value: `${p50.toFixed(1)} / ${p99.toFixed(1)}`,
      unit: 'ms',
      target: rate === 100 ? 'p99 < 50 ms' : undefined,
      met: rate === 100 ? p99 < 50 && errors === 0 : undefined,
    });
  }
  const counted = (await metrics.registry.getSingleMetricAsString('aidp_deliveries_total'))
    .split('\n')
    .filter((l) => l.startsWith('aidp_deliveries_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  await server.stop();
  figures.push({ scenario: 'webhooks', figure: 'highest rate with no error', value: sustained, unit: '/s' });
  figures.push({ scenario: 'webhooks', figure: 'deliveries accounted for (ignored, by design) / sent', value: `${counted} / ${sent}`, unit: '', met: counted === sent });
  return figures;
}
