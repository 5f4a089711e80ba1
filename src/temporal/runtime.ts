import { Runtime, makeTelemetryFilterString, type LogLevel, type LogMetadata, type MetricsExporterConfig } from '@temporalio/worker';
import type { Logger } from 'pino';

let installed = false;

/**
 * Installs the Temporal runtime once per process, logging through pino, and exporting the
 * SDK's own metrics when asked. Call before any worker.
 */
export function installRuntime(logger: Logger, metrics?: MetricsExporterConfig): void {
  if (installed) return;
  installed = true;
  const log = logger.child({ component: 'temporal' });
  const forward = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    // The host queue's worker runs activities only, by design: not worth a warning.
    if (message.startsWith('No workflows registered')) return;
    const method = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error';
    log[method](meta ?? {}, message);
  };
  Runtime.install({
    logger: {
      log: forward,
      trace: (m, meta) => forward('TRACE', m, meta),
      debug: (m, meta) => forward('DEBUG', m, meta),
      info: (m, meta) => forward('INFO', m, meta),
      warn: (m, meta) => forward('WARN', m, meta),
      error: (m, meta) => forward('ERROR', m, meta),
    },
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} }, metrics },
  });
}
