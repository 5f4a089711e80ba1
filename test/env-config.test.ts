import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../src/config/config-error.js';
import { appCanAuthenticate, appIsConfigured, loadEnvConfig, secretValues } from '../src/config/env.js';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** Plain strings, as a real environment holds (probot narrows some ProcessEnv types). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadEnvConfig(env as NodeJS.ProcessEnv);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadEnvConfig accepted the environment');
}

describe('loadEnvConfig', () => {
  it('fills every default from an empty environment', () => {
    expect(loadEnvConfig({})).toEqual({
      engine: 'embedded',
      temporalNamespace: 'default',
      temporalTls: false,
      workDir: join(homedir(), '.aidp'),
      logLevel: 'info',
      port: 3000,
      host: '0.0.0.0',
      webhookPath: '/api/github/webhooks',
      temporalPort: 7233,
      temporalUiPort: 8233,
      metricsPort: 9464,
      shutdownGraceSeconds: 30,
      maxConcurrentActivities: 20,
      maxConcurrentWorkflowTasks: 40,
      reconcileIntervalMinutes: 5,
      gheProtocol: 'https',
      sandbox: 'on',
      sandboxReadPaths: [],
      sandboxWritePaths: [],
    });
  });

  it('reads the sandbox settings: off, read and write paths split on ":", provider variables on ","', () => {
    expect(
      loadEnvConfig({ AIDP_SANDBOX: 'OFF', AIDP_SANDBOX_READ_PATHS: '/opt/agents:/usr/local/share/x', AIDP_SANDBOX_WRITE_PATHS: '/var/cache/agents', AIDP_SANDBOX_ENV: 'ANTHROPIC_API_KEY, MY_PROXY_KEY' }),
    ).toMatchObject({
      sandbox: 'off',
      sandboxReadPaths: ['/opt/agents', '/usr/local/share/x'],
      sandboxWritePaths: ['/var/cache/agents'],
      sandboxEnv: ['ANTHROPIC_API_KEY', 'MY_PROXY_KEY'],
    });
  });

  it('names each bad sandbox setting and its fix', () => {
    expect(configError({ AIDP_SANDBOX: 'maybe', AIDP_SANDBOX_READ_PATHS: 'relative/dir', AIDP_SANDBOX_ENV: 'NOT-A-NAME' }).problems).toEqual([
      'AIDP_SANDBOX must be one of on, off (got "maybe")',
      'AIDP_SANDBOX_READ_PATHS must be absolute paths separated by ":", e.g. /opt/agents:/usr/local/share/claude (got "relative/dir")',
      'AIDP_SANDBOX_ENV must be variable names separated by ",", e.g. ANTHROPIC_API_KEY,OPENAI_API_KEY (got "NOT-A-NAME")',
    ]);
  });

  it('names AIDP_ENGINE and its allowed values in one line when the engine is unknown', () => {
    expect(configError({ AIDP_ENGINE: 'foo' }).message).toBe(
      'Invalid configuration: AIDP_ENGINE must be one of embedded, temporal (got "foo")',
    );
  });

  it('lists every bad field together in one line', () => {
    const error = configError({ AIDP_ENGINE: 'foo', PORT: 'abc', LOG_LEVEL: 'loud', TEMPORAL_TLS: 'maybe' });
    expect(error.problems).toEqual([
      'AIDP_ENGINE must be one of embedded, temporal (got "foo")',
      'TEMPORAL_TLS must be true or false (got "maybe")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'PORT must be an integer between 1 and 65535 (got "abc")',
    ]);
    expect(error.message).not.toContain('\n');
  });

  it('names the whole range of a number that is out of range', () => {
    expect(configError({ AIDP_MAX_CONCURRENT_WORKFLOW_TASKS: '1' }).problems).toEqual([
      'AIDP_MAX_CONCURRENT_WORKFLOW_TASKS must be an integer between 2 and 10000 (got "1")',
    ]);
  });

  it('says how to generate an AIDP_CODEC_TOKEN that is too short, without echoing it', () => {
    expect(configError({ AIDP_CODEC_TOKEN: 'short-secret' }).problems).toEqual([
      'AIDP_CODEC_TOKEN must be at least 16 characters; generate one with: openssl rand -hex 32',
    ]);
  });

  it('reads yes and no, on and off, 1 and 0 in any case as TEMPORAL_TLS', () => {
    expect(['Yes', 'ON', '1'].map((v) => loadEnvConfig({ TEMPORAL_TLS: v }).temporalTls)).toEqual([true, true, true]);
    expect(['no', 'Off', '0'].map((v) => loadEnvConfig({ TEMPORAL_TLS: v, TEMPORAL_API_KEY: 'key-123456' }).temporalTls)).toEqual([false, false, false]);
  });

  it('switches the default engine to temporal when TEMPORAL_ADDRESS is set', () => {
    expect(loadEnvConfig({ TEMPORAL_ADDRESS: 'temporal:7233' })).toMatchObject({
      engine: 'temporal',
      temporalAddress: 'temporal:7233',
    });
  });

  it('keeps the embedded engine when asked for it even with TEMPORAL_ADDRESS set', () => {
    expect(loadEnvConfig({ AIDP_ENGINE: 'embedded', TEMPORAL_ADDRESS: 'temporal:7233' }).engine).toBe('embedded');
  });

  it('refuses the temporal engine without TEMPORAL_ADDRESS and names the missing variable', () => {
    expect(configError({ AIDP_ENGINE: 'temporal' }).message).toMatch(/^Invalid configuration: TEMPORAL_ADDRESS is required when AIDP_ENGINE is temporal/);
  });

  it('refuses a TEMPORAL_ADDRESS that is not host:port', () => {
    expect(configError({ TEMPORAL_ADDRESS: 'http://temporal' }).problems).toEqual([
      'TEMPORAL_ADDRESS must be host:port, e.g. temporal.example.com:7233 (got "http://temporal")',
    ]);
  });

  it('turns TLS on by default when a Temporal API key is set', () => {
    expect(loadEnvConfig({ TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-123456' }).temporalTls).toBe(true);
  });

  it('lets TEMPORAL_TLS=false turn TLS off even with an API key', () => {
    expect(loadEnvConfig({ TEMPORAL_API_KEY: 'key-123456', TEMPORAL_TLS: 'false' }).temporalTls).toBe(false);
  });

  it('needs the TLS key path when the TLS cert path is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aidp-env-'));
    writeFileSync(join(dir, 'client.pem'), 'cert');
    expect(configError({ TEMPORAL_TLS_CERT_PATH: join(dir, 'client.pem') }).problems).toEqual([
      'TEMPORAL_TLS_KEY_PATH is required when TEMPORAL_TLS_CERT_PATH is set (a client certificate needs both)',
    ]);
  });

  it('names a TLS file that cannot be read', () => {
    const missing = join(tmpdir(), 'aidp-no-such-ca.pem');
    expect(configError({ TEMPORAL_TLS_CA_PATH: missing }).problems).toEqual([
      `TEMPORAL_TLS_CA_PATH must name a readable file (got ${JSON.stringify(missing)}: ENOENT)`,
    ]);
  });

  it('turns \\n escapes in PRIVATE_KEY into newlines', () => {
    const escaped = pem.trim().replace(/\n/g, '\\n');
    expect(loadEnvConfig({ PRIVATE_KEY: escaped }).privateKey).toBe(pem.trim());
  });

  it('reads the private key from the file at PRIVATE_KEY_PATH', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aidp-env-')), 'app.pem');
    writeFileSync(file, pem);
    expect(loadEnvConfig({ PRIVATE_KEY_PATH: file })).toMatchObject({ privateKey: pem.trim(), privateKeyPath: file });
  });

  it('refuses a PRIVATE_KEY that is not a PEM without echoing its value', () => {
    const error = configError({ PRIVATE_KEY: 'not-a-key-but-secret' });
    expect(error.problems).toHaveLength(1);
    expect(error.message).toMatch(/PRIVATE_KEY must be a PEM private key/);
    expect(error.message).not.toContain('not-a-key-but-secret');
  });

  it('refuses PRIVATE_KEY and PRIVATE_KEY_PATH set together', () => {
    expect(configError({ PRIVATE_KEY: pem, PRIVATE_KEY_PATH: '/etc/app.pem' }).problems).toEqual([
      'PRIVATE_KEY and PRIVATE_KEY_PATH must not both be set',
    ]);
  });

  it('expands ~ in AIDP_WORKDIR', () => {
    expect(loadEnvConfig({ AIDP_WORKDIR: '~/work/aidp' }).workDir).toBe(join(homedir(), 'work', 'aidp'));
  });

  it('makes a relative AIDP_WORKDIR absolute', () => {
    expect(loadEnvConfig({ AIDP_WORKDIR: 'state' }).workDir).toBe(resolve('state'));
  });

  it('treats an empty variable as unset', () => {
    expect(loadEnvConfig({ PORT: '', AIDP_ENGINE: '' })).toMatchObject({ port: 3000, engine: 'embedded' });
  });

  it('says the app is configured only when app id, private key and webhook secret are all set', () => {
    const partial = loadEnvConfig({ APP_ID: '12', PRIVATE_KEY: pem });
    const full = loadEnvConfig({ APP_ID: '12', PRIVATE_KEY: pem, WEBHOOK_SECRET: 'hook-secret' });
    expect([appIsConfigured(partial), appIsConfigured(full)]).toEqual([false, true]);
  });

  it('lets a worker act as the app with app id and private key, without the webhook secret it never uses', () => {
    const cfg = loadEnvConfig({ APP_ID: '12', PRIVATE_KEY: pem });
    expect([appCanAuthenticate(cfg), appCanAuthenticate(loadEnvConfig({ APP_ID: '12' }))]).toEqual([true, false]);
  });

  it('takes an IP address with a port or a one-label name as GHE_HOST', () => {
    expect([loadEnvConfig({ GHE_HOST: '127.0.0.1:8080', GHE_PROTOCOL: 'http' }).gheHost, loadEnvConfig({ GHE_HOST: 'ghe' }).gheHost]).toEqual(['127.0.0.1:8080', 'ghe']);
  });

  it('refuses a GHE_HOST with a scheme or credentials, naming the variable', () => {
    expect(() => loadEnvConfig({ GHE_HOST: 'https://ghe.example.com' })).toThrow(/GHE_HOST/);
    expect(() => loadEnvConfig({ GHE_HOST: 'me@ghe' })).toThrow(/GHE_HOST/);
  });

  it('lists the private key, webhook secret and Temporal API key as secret values', () => {
    const cfg = loadEnvConfig({ PRIVATE_KEY: pem, WEBHOOK_SECRET: 'hook-secret', TEMPORAL_API_KEY: 'api-key-1' });
    expect(secretValues(cfg)).toEqual([pem.trim(), 'hook-secret', 'api-key-1']);
  });
});
