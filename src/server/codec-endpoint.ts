import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { HttpRoute } from '../metrics/metrics-server.js';
import { PayloadDecryptionError } from '../temporal/payload-codec.js';

export interface CodecEndpointOptions {
  codec: PayloadCodec;
  /**
   * AIDP_CODEC_TOKEN. Set: every call must carry it, as `Authorization: Bearer <token>` (the
   * `temporal` CLI's `--codec-auth`) or as a path segment, `/codec/<token>/decode` (the Web UI,
   * which cannot send a fixed header). Unset: only callers on this machine (loopback) are answered.
   */
  token?: string;
  /** Browser origins that may call it (the Web UI's); any other Origin is refused. */
  allowedOrigins: readonly string[];
  /** Larger bodies are refused with 413 before they are read. */
  maxBodyBytes?: number;
}

export const CODEC_PATH = '/codec';
const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Payloads as the codec server protocol carries them: proto3 JSON, bytes in base64. */
const jsonPayloads = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.base64()).nullish(),
      data: z.base64().nullish(),
    }),
  ),
});
type JsonPayload = z.infer<typeof jsonPayloads>['payloads'][number];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The origins of the Web UI at `uiUrl`, with `localhost` and `127.0.0.1` standing for each other. */
export function webUiOrigins(uiUrl: string | undefined): string[] {
  if (!uiUrl || !URL.canParse(uiUrl)) return [];
  const url = new URL(uiUrl);
  const aliases: Record<string, string> = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' };
  const alias = aliases[url.hostname];
  const other = alias ? new URL(uiUrl) : undefined;
  if (other && alias) other.hostname = alias;
  return [url.origin, ...(other ? [other.origin] : [])];
}

/**
 * The Temporal codec server protocol (`POST …/encode`, `POST …/decode`, JSON `{ payloads }`) under
 * /codec, so the Web UI and the `temporal` CLI can show encrypted payloads to operators.
 */
export function codecEndpoint(opts: CodecEndpointOptions): HttpRoute {
  const tokenDigest = opts.token ? digest(opts.token) : undefined;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://codec').pathname;
    if (path !== CODEC_PATH && !path.startsWith(`${CODEC_PATH}/`)) return false;
    try {
      allowOrigin(req, res, opts.allowedOrigins);
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return true;
      }
      const segments = path.split('/').filter(Boolean).slice(1);
      const action = segments.pop();
      if (action !== 'encode' && action !== 'decode') throw new HttpError(404, 'not found: use POST /codec/encode or /codec/decode');
      if (req.method !== 'POST') throw new HttpError(405, 'use POST', { allow: 'POST, OPTIONS' });
      authorize(req, segments, tokenDigest);
      const body = jsonPayloads.safeParse(await readJson(req, maxBodyBytes));
      if (!body.success) throw new HttpError(400, 'body must be JSON { "payloads": [{ "metadata": { name: base64 }, "data": base64 }] }');
      const payloads = body.data.payloads.map(fromJson);
      const out = action === 'encode' ? await opts.codec.encode(payloads) : await opts.codec.decode(payloads);
      sendJson(res, 200, { payloads: out.map(toJson) });
    } catch (err) {
      if (err instanceof HttpError) sendText(res, err.status, err.message, err.headers);
      else if (err instanceof PayloadDecryptionError) sendText(res, 400, err.message);
      else sendText(res, 500, `codec failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return true;
  };
}

function allowOrigin(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): void {
  const origin = req.headers.origin;
  if (!origin) return; // not a browser: the CLI, curl
  if (!allowed.includes(origin)) {
    throw new HttpError(403, `origin ${origin} may not call the codec endpoint; set AIDP_UI_URL to the Web UI's URL`);
  }
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  // The Web UI's "include cross-origin credentials" setting sends cookies; the answer must allow it.
  res.setHeader('access-control-allow-credentials', 'true');
  res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
  res.setHeader('access-control-allow-headers', 'authorization, content-type, x-namespace');
  res.setHeader('access-control-max-age', '600');
}

function authorize(req: IncomingMessage, pathSegments: string[], tokenDigest: Buffer | undefined): void {
  if (!tokenDigest) {
    if (isLoopback(req.socket.remoteAddress)) return;
    throw new HttpError(403, 'the codec endpoint answers only this machine unless AIDP_CODEC_TOKEN is set');
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  const offered = [bearer, ...pathSegments].filter((t): t is string => Boolean(t));
  if (offered.some((t) => timingSafeEqual(digest(t), tokenDigest))) return;
  throw new HttpError(401, 'the codec endpoint needs AIDP_CODEC_TOKEN: Authorization: Bearer <token>, or /codec/<token>/decode', {
    'www-authenticate': 'Bearer',
  });
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || v4.startsWith('127.');
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new HttpError(413, `body over ${maxBytes} bytes`, { connection: 'close' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `body over ${maxBytes} bytes`, { connection: 'close' });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
  };
}

function toJson(p: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
