import type { MetricsExporterConfig } from '@temporalio/worker';

/**
 * `telemetryOptions.metrics` for `Runtime.install`: the Temporal SDK's own Prometheus endpoint
 * (`temporal_*`: poll latency, schedule-to-start, task slots, sticky cache), served by the
 * SDK on `bindAddress` at `/metrics`, next to aidp's server, which cannot share its port.
 */
export function temporalRuntimeTelemetry(bindAddress: string): MetricsExporterConfig {
  return { prometheus: { bindAddress } };
}

/**
 * Where the SDK's endpoint listens by default: the port after AIDP_METRICS_PORT (9465 next to
 * 9464), on every interface, as deploy/prometheus/prometheus.yml expects.
 */
export function temporalMetricsBindAddress(metricsPort: number, host = '0.0.0.0'): string {
  if (!Number.isInteger(metricsPort) || metricsPort < 1 || metricsPort > 65534) {
    throw new RangeError(`metrics port must be 1-65534 so that the next port is free for Temporal's (got ${metricsPort})`);
  }
  return `${host}:${metricsPort + 1}`;
}
