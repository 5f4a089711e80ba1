import { afterEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { Registry } from 'prom-client';
import { startMetricsServer, type RunningMetricsServer } from '../src/metrics/metrics-server.js';
import { codecEndpoint, webUiOrigins, type CodecEndpointOptions } from '../src/server/codec-endpoint.js';
import { EncryptionCodec, payloadKeyId } from '../src/temporal/payload-codec.js';

const UI_ORIGIN = 'http://localhost:8080';
const TOKEN = 'codec-token-0123456789abcdef';
const key = randomBytes(32);
const codec = new EncryptionCodec({ current: key, old: [] });
const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') };

type JsonPayloads = { payloads: { metadata: Record<string, string>; data: string }[] };

const servers: RunningMetricsServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(opts: Partial<CodecEndpointOptions> = {}, host = '127.0.0.1'): Promise<RunningMetricsServer> {
  const server = await startMetricsServer({
    registry: new Registry(),
    port: 0,
    host,
    routes: [codecEndpoint({ codec, allowedOrigins: webUiOrigins(UI_ORIGIN), ...opts })],
  });
  servers.push(server);
  return server;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

const decoded = (body: JsonPayloads) => Buffer.from(body.payloads[0]!.data, 'base64').toString();

describe('the codec endpoint', () => {
  it('answers the Web UI preflight with CORS headers for its origin, x-namespace and content-type', async () => {
    const server = await serve();
    const response = await fetch(`${server.url}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:8080', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080');
    expect(response.headers.get('access-control-allow-headers')?.split(/,\s*/)).toEqual(expect.arrayContaining(['content-type', 'x-namespace']));
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('refuses a call from a browser page of another origin', async () => {
    const server = await serve();
    const response = await post(`${server.url}/codec/decode`, { payloads: [] }, { origin: 'https://evil.example' });

    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('encodes and decodes over HTTP: what /codec/encode returns is encrypted with the key, and /codec/decode restores it', async () => {
    const server = await serve();
    const encoded = (await (await post(`${server.url}/codec/encode`, { payloads: [plain] })).json()) as JsonPayloads;
    const back = (await (await post(`${server.url}/codec/decode`, encoded)).json()) as JsonPayloads;

    expect(Buffer.from(encoded.payloads[0]!.metadata['encryption-key-id']!, 'base64').toString()).toBe(payloadKeyId(key));
    expect(decoded(encoded)).not.toContain('hello');
    expect(decoded(back)).toBe('"hello"');
  });

  it('answers 400 naming the key id for a payload encrypted with a key it does not hold', async () => {
    const server = await serve();
    const other = randomBytes(32);
    const [foreign] = await new EncryptionCodec({ current: other, old: [] }).encode([{ metadata: {}, data: Buffer.from('x') }]);
    const json = { metadata: { ...Object.fromEntries(Object.entries(foreign!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) }, data: Buffer.from(foreign!.data!).toString('base64') };
    const response = await post(`${server.url}/codec/decode`, { payloads: [json] });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain(payloadKeyId(other));
  });

  it('with AIDP_CODEC_TOKEN, refuses a call without the token or with a wrong one', async () => {
    const server = await serve({ token: TOKEN });

    expect((await post(`${server.url}/codec/decode`, { payloads: [] })).status).toBe(401);
    expect((await post(`${server.url}/codec/decode`, { payloads: [] }, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await post(`${server.url}/codec/wrong-token-0123456789/decode`, { payloads: [] })).status).toBe(401);
  });

  it('with AIDP_CODEC_TOKEN, answers a call carrying it as a bearer token or as a path segment', async () => {
    const server = await serve({ token: TOKEN });
    const bearer = await post(`${server.url}/codec/encode`, { payloads: [plain] }, { authorization: `Bearer ${TOKEN}` });
    const inPath = await post(`${server.url}/codec/${TOKEN}/decode`, (await bearer.json()) as JsonPayloads);

    expect(bearer.status).toBe(200);
    expect(inPath.status).toBe(200);
    expect(decoded((await inPath.json()) as JsonPayloads)).toBe('"hello"');
  });

  it('without AIDP_CODEC_TOKEN, refuses callers from another machine', async () => {
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!outside) throw new Error('this test needs a non-loopback IPv4 address to call from');
    const server = await serve({}, '0.0.0.0');
    const response = await post(`http://${outside}:${server.port}/codec/decode`, { payloads: [] });

    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/AIDP_CODEC_TOKEN/);
  });

  it('refuses a body over its limit with 413', async () => {
    const server = await serve({ maxBodyBytes: 1024 });
    const response = await post(`${server.url}/codec/decode`, { payloads: [{ data: Buffer.alloc(2048).toString('base64') }] });

    expect(response.status).toBe(413);
  });

  it('leaves /metrics and /healthz to the metrics server', async () => {
    const server = await serve({ token: TOKEN });

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });
});
