import type { EnvConfig } from '../config/env.js';
import type { HttpRoute } from '../metrics/metrics-server.js';
import { CODEC_PATH, codecEndpoint, webUiOrigins } from '../server/codec-endpoint.js';
import type { TemporalEndpoint } from '../temporal/engine.js';
import { EncryptionCodec, type PayloadKeys } from '../temporal/payload-codec.js';

/** AIDP_PAYLOAD_KEY and AIDP_PAYLOAD_OLD_KEYS as key bytes; undefined when payloads are not encrypted. */
export function payloadKeys(env: Pick<EnvConfig, 'payloadKey' | 'payloadOldKeys'>): PayloadKeys | undefined {
  if (!env.payloadKey) return undefined;
  return { current: Buffer.from(env.payloadKey, 'base64'), old: (env.payloadOldKeys ?? []).map((k) => Buffer.from(k, 'base64')) };
}

/**
 * Where a browser on this machine reaches the codec endpoint of this process's metrics server,
 * with AIDP_CODEC_TOKEN as a path segment (the Web UI cannot send a fixed header).
 */
export function localCodecUrl(env: Pick<EnvConfig, 'host' | 'metricsPort' | 'codecToken'>): string {
  const host = env.host === '0.0.0.0' || env.host === '::' ? '127.0.0.1' : env.host;
  const token = env.codecToken ? `/${encodeURIComponent(env.codecToken)}` : '';
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.metricsPort}${CODEC_PATH}${token}`;
}

/** The codec endpoint, served next to /metrics, when payloads are encrypted. */
export function codecRoutes(env: EnvConfig, endpoint: Pick<TemporalEndpoint, 'uiUrl'>): HttpRoute[] {
  const keys = payloadKeys(env);
  if (!keys) return [];
  return [codecEndpoint({ codec: new EncryptionCodec(keys), token: env.codecToken, allowedOrigins: webUiOrigins(endpoint.uiUrl) })];
}
