import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createMetrics, type AidpMetrics } from '../src/metrics/metrics.js';
import { startMetricsServer, type RunningMetricsServer } from '../src/metrics/metrics-server.js';
import { SCRIPTED_AGENT } from './support/cli.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { bundleWorkflows } from './support/temporal.js';

/** One sample's value from Prometheus text, e.g. `aidp_units_total{outcome="failed"}`. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : Number.NaN;
}

describe('/metrics after a small run', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  let metrics: AidpMetrics;
  let server: RunningMetricsServer;
  beforeAll(async () => {
    metrics = createMetrics();
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle, metrics });
    server = await startMetricsServer({ registry: metrics.registry, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await harness?.close();
  });

  it('counts units by outcome, agent and check durations, merge conflicts and reverts', async () => {
    const repo = await createTestRepo();
    const handle = await harness.startFeature(repo, taskListSpec('Measured', ['Clash 1', 'Clash 2', 'Solo', 'Broken', 'Piece 1', 'Piece 2']), {
      providers: [
        {
          preset: 'command',
          command: `node ${SCRIPTED_AGENT} --write --shared-units clash-1,clash-2 --exclusive-units piece-1,piece-2 --fail-units broken`,
          args: [],
        },
      ],
      maxIterations: 1,
      mergeThreshold: 0.1,
    });
    await handle.result();
    const text = await (await fetch(`${server.url}/metrics`)).text();

    expect(sample(text, 'aidp_units_total{outcome="completed"}')).toBe(5);
    expect(sample(text, 'aidp_units_total{outcome="failed"}')).toBe(1);
    expect(sample(text, 'aidp_merge_conflicts_total')).toBe(1);
    expect(sample(text, 'aidp_merge_reverts_total')).toBe(1);
    expect(sample(text, 'aidp_agent_duration_seconds_count{provider="command",outcome="succeeded"}')).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'aidp_agent_duration_seconds_count{provider="command",outcome="failed"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'aidp_check_duration_seconds_count{check="test",outcome="passed"}')).toBeGreaterThanOrEqual(5);
  });
});
