import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { aidpDataConverter } from './data-converter.js';
import { startEmbeddedServer, type EmbeddedServer } from './dev-server.js';
import type { PayloadKeys } from './payload-codec.js';
import { describeTemporalProblem, temporalHealth } from './server-health.js';

export interface EngineConfig {
  engine: 'embedded' | 'temporal';
  workDir: string;
  namespace: string;
  address?: string;
  apiKey?: string;
  tls?: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsCaPath?: string;
  tlsServerName?: string;
  embeddedPort: number;
  embeddedUiPort: number;
  uiUrl?: string;
  /** AIDP_PAYLOAD_KEY and AIDP_PAYLOAD_OLD_KEYS: every payload encrypted. */
  payloadKeys?: PayloadKeys;
  /** Codec endpoint the embedded Web UI decodes payloads through. */
  uiCodecEndpoint?: string;
}

/** Where Temporal is, however it was found: the embedded dev server or a cluster. */
export interface TemporalEndpoint {
  address: string;
  namespace: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  /** Web UI base URL, when known. */
  uiUrl?: string;
  /** For every client and worker on this endpoint: the payload codec, when payloads are encrypted. */
  dataConverter?: DataConverter;
  embedded?: EmbeddedServer;
  /** Stops the embedded server if this process started it. */
  close(): Promise<void>;
}

const CONNECT_CHECK_MS = 5000;

function tlsFrom(cfg: EngineConfig): TLSConfig | boolean | undefined {
  const wantsTls = cfg.tls ?? Boolean(cfg.apiKey || cfg.tlsCertPath);
  if (!wantsTls) return undefined;
  const hasFiles = cfg.tlsCertPath || cfg.tlsCaPath || cfg.tlsServerName;
  if (!hasFiles) return true;
  return {
    serverNameOverride: cfg.tlsServerName,
    serverRootCACertificate: cfg.tlsCaPath ? readFileSync(cfg.tlsCaPath) : undefined,
    clientCertPair:
      cfg.tlsCertPath && cfg.tlsKeyPath
        ? { crt: readFileSync(cfg.tlsCertPath), key: readFileSync(cfg.tlsKeyPath) }
        : undefined,
  };
}

/** Web UI link of one workflow. */
export function workflowUiUrl(endpoint: Pick<TemporalEndpoint, 'uiUrl' | 'namespace'>, workflowId: string): string | undefined {
  if (!endpoint.uiUrl) return undefined;
  return `${endpoint.uiUrl}/namespaces/${encodeURIComponent(endpoint.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/**
 * `embedded`: start (or reuse) the dev server under the work dir. `temporal`: check that the
 * cluster answers within seconds, so a wrong address fails fast with one clear line.
 */
export async function openEngine(cfg: EngineConfig): Promise<TemporalEndpoint> {
  const dataConverter = aidpDataConverter(cfg.payloadKeys);
  if (cfg.engine === 'embedded') {
    const server = await startEmbeddedServer({
      workDir: cfg.workDir,
      port: cfg.embeddedPort,
      uiPort: cfg.embeddedUiPort,
      namespace: cfg.namespace,
      uiCodecEndpoint: cfg.uiCodecEndpoint,
    });
    return {
      address: server.address,
      namespace: cfg.namespace,
      uiUrl: cfg.uiUrl ?? server.uiUrl,
      dataConverter,
      embedded: server,
      close: () => server.stop(),
    };
  }
  if (!cfg.address) throw new Error('AIDP_ENGINE=temporal needs TEMPORAL_ADDRESS (host:port of the Temporal frontend)');
  const tls = tlsFrom(cfg);
  const health = await temporalHealth({ address: cfg.address, tls, apiKey: cfg.apiKey }, CONNECT_CHECK_MS);
  if (!health.ok) throw new Error(describeTemporalProblem(cfg.address, health, CONNECT_CHECK_MS));
  return {
    address: cfg.address,
    namespace: cfg.namespace,
    tls,
    apiKey: cfg.apiKey,
    uiUrl: cfg.uiUrl,
    dataConverter,
    close: async () => undefined,
  };
}

export async function connectClient(endpoint: TemporalEndpoint): Promise<Client> {
  const connection = await Connection.connect({ address: endpoint.address, tls: endpoint.tls, apiKey: endpoint.apiKey });
  return new Client({ connection, namespace: endpoint.namespace, dataConverter: endpoint.dataConverter });
}

/**
 * The connection for workers; they take the endpoint's `dataConverter` in their own options.
 * The worker SDK is imported here, not with this module: `aidp status` and the other commands
 * that only talk to Temporal as a client start without it (about 0.2 s of CPU less each).
 */
export async function connectWorker(endpoint: TemporalEndpoint): Promise<NativeConnection> {
  const { NativeConnection } = await import('@temporalio/worker');
  return NativeConnection.connect({ address: endpoint.address, tls: endpoint.tls, apiKey: endpoint.apiKey });
}
