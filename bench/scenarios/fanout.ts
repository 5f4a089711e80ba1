import type { Client } from '@temporalio/client';
import pkg from '@temporalio/proto';
import { temporalUnitPhase } from './overhead.js';
import type { Figure } from '../support.js';

const { temporal } = pkg;

/** Many units at high concurrency: it completes, history stays bounded, worker memory is sampled. */
export async function fanout(client: Client, n: number, concurrency: number): Promise<Figure[]> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  const { ms, workflowId } = await temporalUnitPhase(client, n, concurrency, '--write');
  clearInterval(sampler);
  let maxEvents = 0;
  let maxBytes = 0;
  let runs = 0;
  for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    runs++;
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    maxEvents = Math.max(maxEvents, history.events?.length ?? 0);
    maxBytes = Math.max(maxBytes, temporal.api.history.v1.History.encode(history).finish().length);
  }
  const scenario = `fan-out ${n} units, concurrency ${concurrency}`;
  return [
    { scenario, figure: 'completed in', value: Math.round(ms / 1000), unit: 's' },
    { scenario, figure: 'feature runs (continue-as-new)', value: runs, unit: '' },
    { scenario, figure: 'largest history', value: maxEvents, unit: 'events' },
    { scenario, figure: 'largest history', value: Math.round(maxBytes / 1024), unit: 'KiB' },
    { scenario, figure: 'peak RSS (worker in this process)', value: Math.round(peakRss / 1024 / 1024), unit: 'MiB' },
  ];
}
