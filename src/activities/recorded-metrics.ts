import type { AgentMetricsSource, CheckMetricsSource } from './recorded-metrics-types.js';
import type { AidpMetrics, AgentOutcome } from '../metrics/metrics.js';

/** Agent attempts and check runs observed into the histograms, as they finish. */
export function recordAgentRun(metrics: AidpMetrics | undefined, run: AgentMetricsSource): void {
  if (!metrics) return;
  for (const attempt of run.attempts) {
    const outcome: AgentOutcome = attempt.timedOut
      ? 'timed_out'
      : attempt.rateLimited
        ? 'rate_limited'
        : attempt.exitCode === 0
          ? 'succeeded'
          : 'failed';
    metrics.agentDuration.observe({ provider: attempt.provider, outcome }, attempt.durationMs / 1000);
  }
  if (run.cancelled) metrics.agentDuration.observe({ provider: run.provider, outcome: 'cancelled' }, run.durationMs / 1000);
}

export function recordChecks(metrics: AidpMetrics | undefined, results: CheckMetricsSource[]): void {
  if (!metrics) return;
  for (const r of results) {
    metrics.checkDuration.observe({ check: r.name, outcome: r.timedOut ? 'timed_out' : r.passed ? 'passed' : 'failed' }, r.durationMs / 1000);
  }
}
