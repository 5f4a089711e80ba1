import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every encrypted payload's data: the layout below, so a later one can differ. */
const FORMAT_VERSION = 1;

export interface PayloadKeys {
  /** Encrypts every new payload (AIDP_PAYLOAD_KEY), 32 bytes. */
  current: Uint8Array;
  /** Only decrypt payloads written before a rotation (AIDP_PAYLOAD_OLD_KEYS). */
  old: readonly Uint8Array[];
}

/** Thrown when a payload cannot be decrypted: an unknown key id or a failed authentication. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

/** A key's public name, stored in each payload: the first 8 bytes of its SHA-256, in hex. */
export function payloadKeyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * The plaintext of an encrypted payload: the original payload, framed as
 * `[u32 length of the metadata JSON][metadata JSON, values base64][data]`.
 */
function frame(payload: Payload): Buffer {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  const head = Buffer.from(utf8.encode(JSON.stringify(metadata)));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, payload.data ?? new Uint8Array()]);
}

function unframe(plain: Buffer): Payload {
  const length = plain.readUInt32BE(0);
  const metadata = JSON.parse(fromUtf8.decode(plain.subarray(4, 4 + length))) as Record<string, string>;
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(plain.subarray(4 + length)),
  };
}

function metadataText(payload: Payload, name: string): string | undefined {
  const value = payload.metadata?.[name];
  return value === undefined || value === null ? undefined : fromUtf8.decode(value);
}

/**
 * AES-256-GCM for every Temporal payload. Each encrypted payload names its key
 * (`metadata.encryption-key-id`); the key id is also the cipher's associated data, so a payload
 * relabelled with another key's id fails authentication. Decoding leaves payloads that were never
 * encrypted as they are (histories from before a key was set), and accepts old keys after a rotation.
 */
export class EncryptionCodec implements PayloadCodec {
  readonly keyId: string;
  private readonly key: Buffer;
  private readonly decryptKeys: Map<string, Buffer>;

  constructor(keys: PayloadKeys) {
    for (const key of [keys.current, ...keys.old]) {
      if (key.length !== 32) throw new Error(`an AES-256 payload key must be 32 bytes (got ${key.length})`);
    }
    this.key = Buffer.from(keys.current);
    this.keyId = payloadKeyId(this.key);
    this.decryptKeys = new Map([...keys.old, keys.current].map((k) => [payloadKeyId(k), Buffer.from(k)]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  private encrypt(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.key, iv);
    cipher.setAAD(Buffer.from(this.keyId));
    const body = Buffer.concat([cipher.update(frame(payload)), cipher.final()]);
    return {
      metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(this.keyId) },
      data: new Uint8Array(Buffer.concat([Buffer.of(FORMAT_VERSION), iv, body, cipher.getAuthTag()])),
    };
  }

  private decrypt(payload: Payload): Payload {
    if (metadataText(payload, 'encoding') !== ENCRYPTED_ENCODING) return payload;
    const keyId = metadataText(payload, KEY_ID_METADATA);
    const key = keyId === undefined ? undefined : this.decryptKeys.get(keyId);
    if (!keyId || !key) {
      throw new PayloadDecryptionError(
        `payload encrypted with key id ${keyId ?? '(none)'}, which is not AIDP_PAYLOAD_KEY (key id ${this.keyId}) ` +
          `nor one of AIDP_PAYLOAD_OLD_KEYS (key ids ${[...this.decryptKeys.keys()].filter((id) => id !== this.keyId).join(', ') || 'none'}); ` +
          'add the key that encrypted it to AIDP_PAYLOAD_OLD_KEYS',
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== FORMAT_VERSION) {
      throw new PayloadDecryptionError(`payload with key id ${keyId} is not in aidp's encrypted format (version ${FORMAT_VERSION})`);
    }
    const iv = data.subarray(1, 1 + IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const decipher = createDecipheriv(CIPHER, key, iv);
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(tag);
    try {
      return unframe(Buffer.concat([decipher.update(data.subarray(1 + IV_BYTES, data.length - TAG_BYTES)), decipher.final()]));
    } catch {
      // Node says only "unable to authenticate data"; the reason worth telling is which payload and key.
      throw new PayloadDecryptionError(`payload with key id ${keyId} failed authentication: it was altered, or encrypted with another key`);
    }
  }
}
