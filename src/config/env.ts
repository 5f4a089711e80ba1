import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseGheHost } from '../github/github-host.js';
import { ConfigError, describeZodIssues } from './config-error.js';

export const ENGINES = ['embedded', 'temporal'] as const;
export type Engine = (typeof ENGINES)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Env names whose values must never reach an agent's environment (nor a log line). */
export const SECRET_ENV_NAMES = [
  'PRIVATE_KEY',
  'PRIVATE_KEY_PATH',
  'WEBHOOK_SECRET',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS_KEY_PATH',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GITHUB_APP_TOKEN',
  'AIDP_INSTALLATION_TOKEN',
  'AIDP_PAYLOAD_KEY',
  'AIDP_PAYLOAD_OLD_KEYS',
  'AIDP_CODEC_TOKEN',
] as const;

/** Values never echoed in a ConfigError. */
const SECRET_VALUE_NAMES = ['PRIVATE_KEY', 'WEBHOOK_SECRET', 'TEMPORAL_API_KEY', 'AIDP_PAYLOAD_KEY', 'AIDP_PAYLOAD_OLD_KEYS', 'AIDP_CODEC_TOKEN'];

/**
 * Process configuration. Each field is its env name in camelCase without the `AIDP_` prefix
 * (`AIDP_METRICS_PORT` → `metricsPort`, `TEMPORAL_TLS_CA_PATH` → `temporalTlsCaPath`).
 */
export interface EnvConfig {
  appId?: number;
  /** PEM text, from PRIVATE_KEY (`\n` escapes expanded) or the file at PRIVATE_KEY_PATH. */
  privateKey?: string;
  privateKeyPath?: string;
  webhookSecret?: string;
  engine: Engine;
  temporalAddress?: string;
  temporalNamespace: string;
  temporalApiKey?: string;
  temporalTls: boolean;
  temporalTlsCertPath?: string;
  temporalTlsKeyPath?: string;
  temporalTlsCaPath?: string;
  temporalTlsServerName?: string;
  temporalCliPath?: string;
  /** Absolute, `~` expanded. */
  workDir: string;
  logLevel: LogLevel;
  port: number;
  host: string;
  webhookPath: string;
  /** gRPC port of the embedded dev server. */
  temporalPort: number;
  temporalUiPort: number;
  metricsPort: number;
  shutdownGraceSeconds: number;
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
  reconcileIntervalMinutes: number;
  gheHost?: string;
  gheProtocol: 'http' | 'https';
  /** Web UI base URL, no trailing slash. */
  uiUrl?: string;
  /** Base64 of the 32-byte AES-256-GCM key every Temporal payload is encrypted with; unset: no encryption. */
  payloadKey?: string;
  /** Base64 keys of earlier rotations, only to decrypt payloads they encrypted. */
  payloadOldKeys?: string[];
  /** Bearer token the codec endpoint (/codec/decode, /codec/encode) requires from every caller. */
  codecToken?: string;
  /** `on`: every agent and check runs in a bubblewrap sandbox (fails closed); `off`: unsandboxed, at the operator's risk. */
  sandbox: 'on' | 'off';
  /** Absolute paths readable (read-only) inside every sandbox, e.g. where agent CLIs live. */
  sandboxReadPaths: string[];
  /** Absolute paths writable inside every sandbox, besides the worktree and its scratch dir. */
  sandboxWritePaths: string[];
  /** Provider variables passed into agent sandboxes; absent: the defaults of the presets in use. */
  sandboxEnv?: string[];
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const port = (fallback: number) => int(1, 65535).default(fallback);
/** Case does not matter: `OFF` is `off`. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.string().toLowerCase().pipe(z.enum(values));
/** A list in one variable: split on `separator`, parts trimmed, empty parts dropped. */
const list = (separator: string) => z.string().transform((s) => s.split(separator).map((part) => part.trim()).filter(Boolean));
const isHostPort = (s: string) => /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.test(s) && Number(s.split(':').pop()) <= 65535;
const isHttpUrl = (s: string) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol);
const isAes256Key = (s: string) => /^[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length === 32;
const KEY_RULE = 'base64 of 32 random bytes (an AES-256 key); generate one with: openssl rand -base64 32';
const absolutePaths = list(':').refine((paths) => paths.every((p) => isAbsolute(p)), 'must be absolute paths separated by ":", e.g. /opt/agents:/usr/local/share/claude');
const envNames = list(',').refine((names) => names.every((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)), 'must be variable names separated by ",", e.g. ANTHROPIC_API_KEY,OPENAI_API_KEY');

const envSchema = z.object({
  APP_ID: z.coerce.number().int().positive().optional(),
  WEBHOOK_SECRET: z.string().optional(),
  AIDP_ENGINE: oneOf(ENGINES).optional(),
  TEMPORAL_ADDRESS: z.string().refine(isHostPort, 'must be host:port, e.g. temporal.example.com:7233').optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: z.stringbool({ error: 'must be true or false' }).optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  TEMPORAL_TLS_CA_PATH: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_CLI_PATH: z.string().optional(),
  AIDP_WORKDIR: z.string().default('~/.aidp'),
  LOG_LEVEL: oneOf(LOG_LEVELS).default('info'),
  PORT: port(3000),
  HOST: z.string().default('0.0.0.0'),
  WEBHOOK_PATH: z.string().refine((s) => s.startsWith('/'), 'must start with "/"').default('/api/github/webhooks'),
  AIDP_TEMPORAL_PORT: port(7233),
  AIDP_TEMPORAL_UI_PORT: port(8233),
  AIDP_METRICS_PORT: port(9464),
  AIDP_SHUTDOWN_GRACE_SECONDS: int(0, 3600).default(30),
  AIDP_MAX_CONCURRENT_ACTIVITIES: int(1, 10000).default(20),
  // Temporal's worker needs at least 2 workflow task slots (one for sticky, one for the normal queue).
  AIDP_MAX_CONCURRENT_WORKFLOW_TASKS: int(2, 10000).default(40),
  AIDP_RECONCILE_INTERVAL_MINUTES: int(1, 1440).default(5),
  GHE_HOST: z
    .string()
    .refine((s) => parseGheHost(s) !== undefined, 'must be a host name or IP address with an optional port, no scheme or path, e.g. github.example.com, ghe or 10.0.0.5:8080')
    .optional(),
  GHE_PROTOCOL: oneOf(['http', 'https']).default('https'),
  AIDP_UI_URL: z.string().refine(isHttpUrl, 'must be an http(s) URL, e.g. https://aidp.example.com').optional(),
  AIDP_PAYLOAD_KEY: z.string().refine(isAes256Key, `must be ${KEY_RULE}`).optional(),
  AIDP_PAYLOAD_OLD_KEYS: list(',').refine((keys) => keys.every(isAes256Key), `must be comma-separated keys, each ${KEY_RULE}`).optional(),
  AIDP_CODEC_TOKEN: z.string().min(16, 'must be at least 16 characters; generate one with: openssl rand -hex 32').optional(),
  AIDP_SANDBOX: oneOf(['on', 'off']).default('on'),
  AIDP_SANDBOX_READ_PATHS: absolutePaths.optional(),
  AIDP_SANDBOX_WRITE_PATHS: absolutePaths.optional(),
  AIDP_SANDBOX_ENV: envNames.optional(),
});

type RawEnv = Partial<Record<string, string>>;

/**
 * Reads and validates the process configuration. Every problem is collected, then one
 * ConfigError names them all, so the server or worker stops before it starts anything.
 */
export function loadEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const raw = pickEnv(env, [...Object.keys(envSchema.shape), 'PRIVATE_KEY', 'PRIVATE_KEY_PATH']);
  const parsed = envSchema.safeParse(raw);
  const key = readPrivateKey(raw);
  const problems = [
    ...(parsed.success ? [] : describeZodIssues(parsed.error, withoutSecrets(raw), envSchema)),
    ...key.problems,
    ...crossFieldProblems(raw),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError('configuration', problems);
  const e = parsed.data;
  const engine = e.AIDP_ENGINE ?? (e.TEMPORAL_ADDRESS ? 'temporal' : 'embedded');
  return {
    appId: e.APP_ID,
    privateKey: key.pem,
    privateKeyPath: raw.PRIVATE_KEY_PATH && resolve(raw.PRIVATE_KEY_PATH),
    webhookSecret: e.WEBHOOK_SECRET,
    engine,
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    temporalApiKey: e.TEMPORAL_API_KEY,
    temporalTls: e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CERT_PATH),
    temporalTlsCertPath: e.TEMPORAL_TLS_CERT_PATH && resolve(e.TEMPORAL_TLS_CERT_PATH),
    temporalTlsKeyPath: e.TEMPORAL_TLS_KEY_PATH && resolve(e.TEMPORAL_TLS_KEY_PATH),
    temporalTlsCaPath: e.TEMPORAL_TLS_CA_PATH && resolve(e.TEMPORAL_TLS_CA_PATH),
    temporalTlsServerName: e.TEMPORAL_TLS_SERVER_NAME,
    temporalCliPath: e.TEMPORAL_CLI_PATH,
    workDir: expandHome(e.AIDP_WORKDIR),
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    host: e.HOST,
    webhookPath: e.WEBHOOK_PATH,
    temporalPort: e.AIDP_TEMPORAL_PORT,
    temporalUiPort: e.AIDP_TEMPORAL_UI_PORT,
    metricsPort: e.AIDP_METRICS_PORT,
    shutdownGraceSeconds: e.AIDP_SHUTDOWN_GRACE_SECONDS,
    maxConcurrentActivities: e.AIDP_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTasks: e.AIDP_MAX_CONCURRENT_WORKFLOW_TASKS,
    reconcileIntervalMinutes: e.AIDP_RECONCILE_INTERVAL_MINUTES,
    gheHost: e.GHE_HOST,
    gheProtocol: e.GHE_PROTOCOL,
    uiUrl: e.AIDP_UI_URL?.replace(/\/+$/, ''),
    payloadKey: e.AIDP_PAYLOAD_KEY,
    payloadOldKeys: e.AIDP_PAYLOAD_OLD_KEYS,
    codecToken: e.AIDP_CODEC_TOKEN,
    sandbox: e.AIDP_SANDBOX,
    sandboxReadPaths: e.AIDP_SANDBOX_READ_PATHS ?? [],
    sandboxWritePaths: e.AIDP_SANDBOX_WRITE_PATHS ?? [],
    ...(e.AIDP_SANDBOX_ENV ? { sandboxEnv: e.AIDP_SANDBOX_ENV } : {}),
  };
}

/**
 * True when aidp can act as the GitHub App (app id and private key set): what a worker's GitHub
 * and git activities need. A worker never receives webhooks, so it needs no webhook secret.
 */
export function appCanAuthenticate(cfg: EnvConfig): cfg is EnvConfig & { appId: number; privateKey: string } {
  return cfg.appId !== undefined && Boolean(cfg.privateKey);
}

/** True when the webhook server can run: app id, private key and webhook secret all set. */
export function appIsConfigured(
  cfg: EnvConfig,
): cfg is EnvConfig & { appId: number; privateKey: string; webhookSecret: string } {
  return cfg.appId !== undefined && Boolean(cfg.privateKey) && Boolean(cfg.webhookSecret);
}

/** The secret values a logger or an agent's output must never show. */
export function secretValues(cfg: EnvConfig): string[] {
  return [cfg.privateKey, cfg.webhookSecret, cfg.temporalApiKey, cfg.payloadKey, ...(cfg.payloadOldKeys ?? []), cfg.codecToken].filter(
    (v): v is string => Boolean(v),
  );
}

/** Known names only; values trimmed; empty means unset (as `FOO=` in a compose file). */
function pickEnv(env: NodeJS.ProcessEnv, names: string[]): RawEnv {
  const raw: RawEnv = {};
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) raw[name] = value;
  }
  return raw;
}

function withoutSecrets(raw: RawEnv): RawEnv {
  return Object.fromEntries(Object.entries(raw).filter(([name]) => !SECRET_VALUE_NAMES.includes(name)));
}

const PEM = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----\r?\n[\s\S]+\r?\n-----END ([A-Z0-9]+ )*PRIVATE KEY-----/;

function readPrivateKey(raw: RawEnv): { pem?: string; problems: string[] } {
  const { PRIVATE_KEY: inline, PRIVATE_KEY_PATH: path } = raw;
  if (inline && path) return { problems: ['PRIVATE_KEY and PRIVATE_KEY_PATH must not both be set'] };
  if (inline) {
    const pem = inline.replace(/\\n/g, '\n');
    if (PEM.test(pem)) return { pem, problems: [] };
    return { problems: ['PRIVATE_KEY must be a PEM private key ("-----BEGIN RSA PRIVATE KEY-----" ...), with real newlines or \\n escapes'] };
  }
  if (!path) return { problems: [] };
  let pem: string;
  try {
    pem = readFileSync(resolve(path), 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return { problems: [`PRIVATE_KEY_PATH must name a readable file (got ${JSON.stringify(path)}: ${code})`] };
  }
  if (PEM.test(pem)) return { pem, problems: [] };
  return { problems: [`PRIVATE_KEY_PATH must name a PEM private key file (got ${JSON.stringify(path)})`] };
}

function crossFieldProblems(raw: RawEnv): string[] {
  const problems: string[] = [];
  if (raw.AIDP_ENGINE?.toLowerCase() === 'temporal' && !raw.TEMPORAL_ADDRESS) {
    problems.push('TEMPORAL_ADDRESS is required when AIDP_ENGINE is temporal (host:port of the Temporal frontend)');
  }
  if (raw.AIDP_PAYLOAD_OLD_KEYS && !raw.AIDP_PAYLOAD_KEY) {
    problems.push('AIDP_PAYLOAD_KEY is required when AIDP_PAYLOAD_OLD_KEYS is set (old keys only decrypt; the current key encrypts)');
  }
  const cert = raw.TEMPORAL_TLS_CERT_PATH;
  const key = raw.TEMPORAL_TLS_KEY_PATH;
  if (Boolean(cert) !== Boolean(key)) {
    const [set, missing] = cert ? ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH'] : ['TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CERT_PATH'];
    problems.push(`${missing} is required when ${set} is set (a client certificate needs both)`);
  }
  for (const name of ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CA_PATH']) {
    const path = raw[name];
    const reason = path === undefined ? undefined : unreadable(path);
    if (reason) problems.push(`${name} must name a readable file (got ${JSON.stringify(path)}: ${reason})`);
  }
  return problems;
}

/** Why a file cannot be read (ENOENT, EACCES...), or undefined when it can. */
function unreadable(path: string): string | undefined {
  try {
    accessSync(resolve(path), constants.R_OK);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unreadable';
  }
}

function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return resolve(path);
}
