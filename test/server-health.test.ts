import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAuthFailure, temporalHealth } from '../src/temporal/server-health.js';
import { freePort } from './support/free-port.js';

describe('temporalHealth says why Temporal cannot be used', () => {
  let plainHttp: Server;
  beforeAll(async () => {
    plainHttp = createServer((_req, res) => res.end('not gRPC'));
    await new Promise<void>((resolve) => plainHttp.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => plainHttp.close(resolve));
  });

  it('reports unreachable when nothing listens at the address', async () => {
    const health = await temporalHealth(`127.0.0.1:${await freePort()}`, 2000);
    expect(health).toMatchObject({ ok: false, problem: 'unreachable' });
  });

  it('reports a TLS failure when the address does not speak TLS', async () => {
    const { port } = plainHttp.address() as AddressInfo;
    const health = await temporalHealth({ address: `127.0.0.1:${port}`, tls: true }, 2000);
    expect(health).toMatchObject({ ok: false, problem: 'tls' });
  });

  it('counts UNAUTHENTICATED and PERMISSION_DENIED, wrapped or not, as refused credentials', () => {
    expect(isAuthFailure(new Error('Failed to connect', { cause: Object.assign(new Error('16 UNAUTHENTICATED: no key'), { code: 16 }) }))).toBe(true);
    expect(isAuthFailure(Object.assign(new Error('7 PERMISSION_DENIED: Request unauthorized.'), { code: 7 }))).toBe(true);
    expect(isAuthFailure(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }))).toBe(false);
  });
});
