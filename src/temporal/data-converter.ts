import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, type PayloadKeys } from './payload-codec.js';

/**
 * The DataConverter of every Temporal client and worker aidp creates: with payload keys, every
 * payload (inputs, results, signals, queries, updates, memos, heartbeats, failure details) is
 * encrypted; without, the SDK's default. Codecs run outside the workflow sandbox, so the
 * workflow bundle is the same either way.
 */
export function aidpDataConverter(keys: PayloadKeys | undefined): DataConverter | undefined {
  if (!keys) return undefined;
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}
