import { pino, type DestinationStream, type Logger } from 'pino';
import { SECRET_ENV_NAMES } from '../config/env.js';

export type { Logger } from 'pino';

export const REDACTED = '[REDACTED]';

/** Keys whose values are censored wherever they sit, down to four levels deep. */
const SECRET_KEYS = [
  'privateKey',
  'private_key',
  'webhookSecret',
  'webhook_secret',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'apiKey',
  'api_key',
  'password',
  'authorization',
  'Authorization',
  'cookie',
  ...SECRET_ENV_NAMES,
];
const DEPTH = 4;

/** GitHub tokens carry a prefix (ghs_ installation, ghp_ personal...) so they are found even when unknown. */
const GITHUB_TOKEN = String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})\b`;
/** Shorter values would censor ordinary words and numbers. */
const MIN_SECRET_LENGTH = 6;
/** A multi-line secret (a PEM key) is also censored line by line, whatever joins its lines. */
const MIN_LINE_LENGTH = 16;

export interface LoggerOptions {
  level?: string;
  /** Values censored inside any string of any line: the private key, webhook secret, API keys. */
  secrets?: readonly string[];
  destination?: DestinationStream;
  name?: string;
}

/** A pino logger that censors secrets by key and by value, in fields, messages and errors. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const scrub = secretPattern(opts.secrets ?? []);
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    name: opts.name,
    redact: { paths: redactPaths(), censor: REDACTED },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    // The serialized line, after redaction: values hidden in messages, stacks or odd keys go here.
    
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** Replaces every known secret (and anything shaped like a GitHub token) in free text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return text.replace(secretPattern(secrets), REDACTED);
}

function redactPaths(): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth < DEPTH; depth++) {
    const prefix = '*.'.repeat(depth);
    for (const key of SECRET_KEYS) paths.push(`${prefix}${key}`);
  }
  return paths;
}

function secretPattern(secrets: readonly string[]): RegExp {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of secretForms(secret)) forms.add(form);
  }
  const literals = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp([...literals, GITHUB_TOKEN].join('|'), 'g');
}

/** As given, with newlines written as `\n`, and both as they look inside a JSON string. */
function secretForms(secret: string): string[] {
  const escaped = secret.replace(/\r?\n/g, '\\n');
  const lines = secret.split(/\r?\n/).filter((line) => line.length >= MIN_LINE_LENGTH && !line.startsWith('-----'));
  return [secret, escaped, jsonInner(secret), jsonInner(escaped), ...lines];
}

function jsonInner(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
