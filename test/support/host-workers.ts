import { freeMetricsPort } from './free-port.js';
import { tempDir } from './repos.js';
import { testServerAddress } from './temporal.js';

/**
 * The environment of one `aidp worker` process standing for its own host: a host id and work dir
 * of its own (so its own host queue), on the test server. Two of them are two machines.
 */
export async function hostWorkerEnv(extra: Record<string, string> = {}): Promise<Record<string, string> & { AIDP_HOST_ID: string }> {
  return {
    AIDP_ENGINE: 'temporal',
    TEMPORAL_ADDRESS: testServerAddress(),
    AIDP_WORKDIR: tempDir('work'),
    AIDP_METRICS_PORT: String(await freeMetricsPort()),
    AIDP_HOST_ID: `host-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    ...extra,
  };
}
