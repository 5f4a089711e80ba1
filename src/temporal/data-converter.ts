import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, type PayloadKeys } from './payload-codec.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The compiled CommonJS module next to this one; run from the sources (jest), the build's copy. */
function encodedFailuresPath(): string {
  const compiled = join(here, 'encoded-failures.cjs');
  return existsSync(compiled) ? compiled : join(here, '..', '..', 'dist', 'src', 'temporal', 'encoded-failures.cjs');
}

/**
 * The DataConverter of every Temporal client and worker aidp creates: with payload keys, every
 * payload (inputs, results, signals, queries, updates, memos, heartbeats, failure details) is
 * encrypted, and so are the messages and stack traces of failures raised outside workflow code
 * (activities: an agent's output tail in `AgentFailed`). Without keys, the SDK's default.
 * Codecs run outside the workflow sandbox, so the workflow bundle is the same either way.
 */
export function aidpDataConverter(keys: PayloadKeys | undefined): DataConverter | undefined {
  if (!keys) return undefined;
  return { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath: encodedFailuresPath() };
}
