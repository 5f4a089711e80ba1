import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { payloadKeys } from '../src/cli/codec.js';
import { buildAgentEnv } from '../src/sandbox/agent-env.js';
import { loadEnvConfig, SECRET_ENV_NAMES } from '../src/config/env.js';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError, payloadKeyId } from '../src/temporal/payload-codec.js';

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const jsonPayload = (value: unknown): Payload => ({
  metadata: { encoding: Buffer.from('json/plain') },
  data: Buffer.from(JSON.stringify(value)),
});

function codecFromEnv(env: Record<string, string>): EncryptionCodec {
  const keys = payloadKeys(loadEnvConfig(env));
  if (!keys) throw new Error('no payload key in the env');
  return new EncryptionCodec(keys);
}

describe('the AES-256-GCM payload codec', () => {
  const key = randomBytes(32);
  const codec = new EncryptionCodec({ current: key, old: [] });

  it('encrypts a payload so that neither its data nor its metadata is readable, and names the key', async () => {
    const [encoded] = await codec.encode([jsonPayload({ issue: 'secret-issue-text-4471' })]);

    expect(text(encoded!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded!.metadata![KEY_ID_METADATA])).toBe(payloadKeyId(key));
    expect(Object.keys(encoded!.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA].sort());
    expect(Buffer.from(encoded!.data!).includes('secret-issue-text-4471')).toBe(false);
    expect(Buffer.from(encoded!.data!).includes('json/plain')).toBe(false);
  });

  it('decodes what it encoded back to the same metadata and data', async () => {
    const original = { metadata: { encoding: Buffer.from('json/plain'), other: Buffer.from([0, 255, 7]) }, data: Buffer.from('"x"') };
    const [decoded] = await codec.decode(await codec.encode([original]));

    expect(text(decoded!.metadata!.encoding)).toBe('json/plain');
    expect([...decoded!.metadata!.other!]).toEqual([0, 255, 7]);
    expect(text(decoded!.data)).toBe('"x"');
  });

  it('passes a payload that was never encrypted through decode unchanged', async () => {
    const plain = jsonPayload('written before the key was set');
    const [decoded] = await codec.decode([plain]);

    expect(decoded).toBe(plain);
  });

  it('refuses a payload whose auth tag was altered', async () => {
    const [encoded] = await codec.encode([jsonPayload('tamper with me')]);
    const data = Buffer.from(encoded!.data!);
    data.writeUInt8(data.readUInt8(data.length - 1) ^ 0x01, data.length - 1);

    await expect(codec.decode([{ ...encoded!, data }])).rejects.toThrow(PayloadDecryptionError);
  });

  it('refuses a payload relabelled with another key id, even when that key is known', async () => {
    const other = randomBytes(32);
    const both = new EncryptionCodec({ current: key, old: [other] });
    const [encoded] = await both.encode([jsonPayload('relabel me')]);
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, [KEY_ID_METADATA]: Buffer.from(payloadKeyId(other)) } };

    await expect(both.decode([relabelled])).rejects.toThrow(/failed authentication/);
  });

  it('after a rotation, decrypts payloads of the old key listed in AIDP_PAYLOAD_OLD_KEYS', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const [written] = await codecFromEnv({ AIDP_PAYLOAD_KEY: oldKey }).encode([jsonPayload('from before the rotation')]);
    const rotated = codecFromEnv({ AIDP_PAYLOAD_KEY: newKey, AIDP_PAYLOAD_OLD_KEYS: `${randomBytes(32).toString('base64')}, ${oldKey}` });

    const [decoded] = await rotated.decode([written!]);
    const [fresh] = await rotated.encode([jsonPayload('after')]);

    expect(text(decoded!.data)).toBe('"from before the rotation"');
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe(payloadKeyId(Buffer.from(newKey, 'base64')));
  });

  it('names the unknown key id when a payload was encrypted with a key it does not hold', async () => {
    const oldKey = randomBytes(32);
    const [written] = await new EncryptionCodec({ current: oldKey, old: [] }).encode([jsonPayload('lost key')]);

    await expect(codec.decode([written!])).rejects.toThrow(
      new RegExp(`key id ${payloadKeyId(oldKey)}.*add the key that encrypted it to AIDP_PAYLOAD_OLD_KEYS`),
    );
  });
});

describe('AIDP_PAYLOAD_KEY in the env', () => {
  it('is refused when it is not base64 of 32 bytes, naming the variable and how to make one, without echoing it', () => {
    const short = randomBytes(16).toString('base64');

    expect(() => loadEnvConfig({ AIDP_PAYLOAD_KEY: short })).toThrow(/AIDP_PAYLOAD_KEY must be base64 of 32 random bytes.*openssl rand -base64 32/);
    expect(() => loadEnvConfig({ AIDP_PAYLOAD_KEY: short })).not.toThrow(short);
  });

  it('is required when AIDP_PAYLOAD_OLD_KEYS is set', () => {
    expect(() => loadEnvConfig({ AIDP_PAYLOAD_OLD_KEYS: randomBytes(32).toString('base64') })).toThrow(
      /AIDP_PAYLOAD_KEY is required when AIDP_PAYLOAD_OLD_KEYS is set/,
    );
  });

  it('never reaches an agent, nor do the old keys and the codec token', () => {
    const base = {
      AIDP_PAYLOAD_KEY: randomBytes(32).toString('base64'),
      AIDP_PAYLOAD_OLD_KEYS: randomBytes(32).toString('base64'),
      AIDP_CODEC_TOKEN: randomBytes(16).toString('hex'),
      AIDP_OTHER: 'kept',
    };
    const env = buildAgentEnv({ base, secretEnvNames: [...SECRET_ENV_NAMES], secretValues: [], extra: {} });

    expect(env).toEqual({ AIDP_OTHER: 'kept' });
  });

  it('leaves payloads unencrypted when unset', () => {
    expect(payloadKeys(loadEnvConfig({}))).toBeUndefined();
  });
});
