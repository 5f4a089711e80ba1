import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { createLogger, redactSecrets } from '../src/logging/logger.js';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString().trim();
const escapedPem = pem.replace(/\n/g, '\\n');
const webhookSecret = 'whsec-0123456789abcdef';
const token = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const apiKey = 'tmprl-api-key-9f8e7d6c5b4a';
const secrets = [pem, webhookSecret, apiKey];

/** Every form a secret could leak in: whole, escaped, and each line of the key's body. */
const leakForms = [pem, escapedPem, webhookSecret, token, apiKey, ...pem.split('\n').filter((l) => !l.startsWith('-----'))];

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ secrets, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
}

function expectNoSecret(lines: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(() => JSON.parse(line)).not.toThrow();
    for (const form of leakForms) expect(line).not.toContain(form);
  }
}

describe('createLogger', () => {
  it('censors secrets passed as fields under secret key names', () => {
    const { logger, lines } = capture();
    logger.info({ privateKey: pem, webhookSecret, token, apiKey, repo: 'octo/demo' }, 'configured');
    expectNoSecret(lines);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ privateKey: '[REDACTED]', token: '[REDACTED]', repo: 'octo/demo', msg: 'configured' });
  });

  it('censors values it was never told about when they sit under secret key names', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    logger.info({
      password: 'hunter2-x',
      auth: { scheme: 'app' },
      req: { headers: { authorization: 'Bearer abc.def', Cookie: ['sid=1', 'x=2'] } },
      a: { b: { c: { d: { e: { apiKey: 'deep-key', count: 3 } } } } },
      user: 'octocat',
    });
    expect(JSON.parse(lines[0] ?? '{}')).toEqual(
      expect.objectContaining({
        password: '[REDACTED]',
        auth: { scheme: 'app' },
        req: { headers: { authorization: '[REDACTED]', Cookie: '[REDACTED]' } },
        a: { b: { c: { d: { e: { apiKey: '[REDACTED]', count: 3 } } } } },
        user: 'octocat',
      }),
    );
  });

  it('censors a whole object under a secret key at the top level', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    logger.info({ token: { value: 'v-123', expiresAt: '2030-01-01' } }, 'minted');
    expect(JSON.parse(lines[0] ?? '{}').token).toBe('[REDACTED]');
  });

  it('leaves a message that only mentions a secret key name intact', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    logger.info({ note: '"token":"literal"' }, 'wrote {"password":"x"} to the docs');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ note: '"token":"literal"', msg: 'wrote {"password":"x"} to the docs' });
  });

  it('censors secrets nested in objects under any key name', () => {
    const { logger, lines } = capture();
    logger.info({ app: { credentials: { pem, hook: webhookSecret } }, request: { headers: { authorization: `token ${token}` } } });
    expectNoSecret(lines);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ app: { credentials: { pem: '[REDACTED]', hook: '[REDACTED]' } } });
  });

  it('censors a multi-line private key inside the message', () => {
    const { logger, lines } = capture();
    logger.warn(`loaded key ${pem} for app 42`);
    expectNoSecret(lines);
    expect(JSON.parse(lines[0] ?? '{}').msg).toBe('loaded key [REDACTED] for app 42');
  });

  it('censors the escaped single-line form of the private key', () => {
    const { logger, lines } = capture();
    logger.warn({ env: { KEY_AS_SET: escapedPem } }, `PRIVATE_KEY=${escapedPem}`);
    expectNoSecret(lines);
    expect(JSON.parse(lines[0] ?? '{}').msg).toBe('PRIVATE_KEY=[REDACTED]');
  });

  it('censors secrets in an error message, stack and properties', () => {
    const { logger, lines } = capture();
    const err = Object.assign(new Error(`signature check with ${webhookSecret} failed`), { response: { body: `bad ${token}` } });
    logger.error(err);
    logger.error({ err }, 'again');
    expectNoSecret(lines);
    expect(JSON.parse(lines[0] ?? '{}').err.message).toBe('signature check with [REDACTED] failed');
  });

  it('censors secrets bound to a child logger', () => {
    const { logger, lines } = capture();
    logger.child({ installation: { accessToken: token, note: apiKey } }).info('child');
    expectNoSecret(lines);
  });

  it('censors a GitHub token it was never told about', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    logger.info(`cloning with ${token}`);
    expect(JSON.parse(lines[0] ?? '{}').msg).toBe('cloning with [REDACTED]');
  });

  it('drops lines below its level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['loud']);
  });
});

describe('redactSecrets', () => {
  it('replaces every form of each secret in free text and keeps the rest', () => {
    const text = `agent said: ${pem}\nthen ${escapedPem} and ${webhookSecret}; done`;
    expect(redactSecrets(text, secrets)).toBe('agent said: [REDACTED]\nthen [REDACTED] and [REDACTED]; done');
  });

  it('replaces the lines of a key even when they are joined differently', () => {
    const rewrapped = pem.replace(/\n/g, '\r\n');
    const out = redactSecrets(rewrapped, secrets);
    for (const line of pem.split('\n').filter((l) => !l.startsWith('-----'))) expect(out).not.toContain(line);
    expect(out).toContain('-----BEGIN RSA PRIVATE KEY-----');
  });

  it('leaves text without secrets unchanged', () => {
    expect(redactSecrets('all 12 checks passed', secrets)).toBe('all 12 checks passed');
  });
});
