import { afterEach, describe, expect, it } from '@jest/globals';
import { createMetrics } from '../src/metrics/metrics.js';
import { startMetricsServer, type RunningMetricsServer } from '../src/metrics/metrics-server.js';
import { temporalMetricsBindAddress, temporalRuntimeTelemetry } from '../src/metrics/temporal-telemetry.js';

const servers: RunningMetricsServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(metrics = createMetrics()) {
  const server = await startMetricsServer({ registry: metrics.registry, port: 0, host: '127.0.0.1' });
  servers.push(server);
  return { metrics, server };
}

/** The value of one sample line, e.g. `aidp_units_total{outcome="failed"}`, in a scrape. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics server', () => {
  it('serves the aidp metrics in Prometheus text format after they are recorded', async () => {
    const { metrics, server } = await serve();
    metrics.deliveries.inc({ event: 'issues', outcome: 'started' });
    metrics.deliveries.inc({ event: 'issues', outcome: 'started' });
    metrics.deliveries.inc({ event: 'issue_comment', outcome: 'refused' });
    metrics.workflowsStarted.inc({ workflow: 'FeatureOrchestrationWorkflow' });
    metrics.units.inc({ outcome: 'failed' });
    metrics.agentDuration.observe({ provider: 'claude', outcome: 'succeeded' }, 42);
    const endCheck = metrics.checkDuration.startTimer({ check: 'test' });
    endCheck({ outcome: 'passed' });
    metrics.mergeConflicts.inc();
    metrics.mergeReverts.inc(2);

    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
    expect(sample(text, 'aidp_deliveries_total{event="issues",outcome="started"}')).toBe(2);
    expect(sample(text, 'aidp_deliveries_total{event="issue_comment",outcome="refused"}')).toBe(1);
    expect(sample(text, 'aidp_workflows_started_total{workflow="FeatureOrchestrationWorkflow"}')).toBe(1);
    expect(sample(text, 'aidp_units_total{outcome="failed"}')).toBe(1);
    expect(sample(text, 'aidp_units_total{outcome="completed"}')).toBe(0);
    expect(sample(text, 'aidp_agent_duration_seconds_bucket{le="60",provider="claude",outcome="succeeded"}')).toBe(1);
    expect(sample(text, 'aidp_agent_duration_seconds_bucket{le="30",provider="claude",outcome="succeeded"}')).toBe(0);
    expect(sample(text, 'aidp_agent_duration_seconds_sum{provider="claude",outcome="succeeded"}')).toBe(42);
    expect(sample(text, 'aidp_check_duration_seconds_count{check="test",outcome="passed"}')).toBe(1);
    expect(sample(text, 'aidp_merge_conflicts_total')).toBe(1);
    expect(sample(text, 'aidp_merge_reverts_total')).toBe(2);
    expect(text).toContain('# TYPE aidp_agent_duration_seconds histogram');
  });

  it('prefixes every metric it serves with aidp_, Node process metrics included', async () => {
    const { server } = await serve();
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const names = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2] ?? '');

    expect(names).toEqual(expect.arrayContaining(['aidp_process_resident_memory_bytes', 'aidp_nodejs_heap_size_used_bytes']));
    expect(names.filter((n) => !n.startsWith('aidp_'))).toEqual([]);
  });

  it('answers /healthz with 200 ok', async () => {
    const { server } = await serve();
    const res = await fetch(`${server.url}/healthz`);

    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('answers 404 for any other path or method', async () => {
    const { server } = await serve();

    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics/extra`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(404);
  });

  it('reports the port it bound when asked for port 0', async () => {
    const { server } = await serve();

    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('stops answering once closed', async () => {
    const { server } = await serve();
    await fetch(`${server.url}/healthz`);
    await servers.pop()?.close();

    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

describe('createMetrics', () => {
  it('keeps two registries in one process apart', async () => {
    const first = await serve();
    const second = await serve();
    first.metrics.mergeConflicts.inc(3);
    second.metrics.mergeConflicts.inc();

    const firstText = await (await fetch(`${first.server.url}/metrics`)).text();
    const secondText = await (await fetch(`${second.server.url}/metrics`)).text();

    expect(sample(firstText, 'aidp_merge_conflicts_total')).toBe(3);
    expect(sample(secondText, 'aidp_merge_conflicts_total')).toBe(1);
  });

  it('registers nothing in prom-client\'s global registry', async () => {
    const { register } = await import('prom-client');
    createMetrics();

    expect(register.getMetricsAsArray().filter((m) => m.name.startsWith('aidp_'))).toEqual([]);
  });
});

describe('Temporal runtime telemetry', () => {
  it('asks the Temporal runtime for a Prometheus endpoint on the given address', () => {
    expect(temporalRuntimeTelemetry('0.0.0.0:9465')).toEqual({ prometheus: { bindAddress: '0.0.0.0:9465' } });
  });

  it('puts the Temporal SDK endpoint on the port after aidp\'s metrics port', () => {
    expect(temporalMetricsBindAddress(9464)).toBe('0.0.0.0:9465');
    expect(() => temporalMetricsBindAddress(65535)).toThrow(RangeError);
  });
});
