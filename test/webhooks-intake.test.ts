import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import nock from 'nock';
import { GITHUB_MAX_PAYLOAD_BYTES } from '../src/server/body-limit.js';
import { blockNetwork, fixture, sign, startTestApp, watchUnmatched, type TestApp } from './support/webhooks.js';

interface RawAnswer {
  status: number;
  /** Body bytes the client had written when the answer came. */
  sent: number;
}

/**
 * POSTs to the webhook URL, writes `chunk` until `upTo` body bytes are sent, then neither writes
 * nor ends the request: the answer can only come from a server that did not wait for the rest.
 * With `declared`, that Content-Length is sent; without, the body is chunked.
 */
function post(url: string, opts: { declared?: number; upTo: number; chunk: Buffer }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': sign('whatever'),
    };
    if (opts.declared !== undefined) headers['content-length'] = opts.declared;
    const req = request(url, { method: 'POST', headers }, (res) => {
      answered = true;
      res.resume();
      res.once('end', () => req.destroy());
      resolve({ status: res.statusCode ?? 0, sent });
    });
    // Writes cut short by the server's answer fail; only an error before the answer counts.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const write = () => {
      while (!answered && sent < opts.upTo) {
        sent += opts.chunk.length;
        if (!req.write(opts.chunk, () => undefined)) {
          req.once('drain', write);
          return;
        }
      }
    };
    write();
  });
}

describe('webhook intake', () => {
  let app: TestApp;
  let unmatched: ReturnType<typeof watchUnmatched>;
  beforeAll(blockNetwork);
  afterEach(async () => {
    expect(unmatched.requests).toEqual([]);
    unmatched.stop();
    nock.cleanAll();
    await app.stop();
  });
  const start = async () => {
    app = await startTestApp();
    unmatched = watchUnmatched();
  };

  it('answers 413 to a declared Content-Length over 25 MB before reading the body, and runs no handler', async () => {
    await start();
    // 64 KiB of the declared 25 MB + 1 are sent, then nothing: only a server that did not wait answers.
    const answer = await post(app.url, { declared: GITHUB_MAX_PAYLOAD_BYTES + 1, upTo: 64 * 1024, chunk: Buffer.alloc(64 * 1024, 0x20) });

    expect(answer).toEqual({ status: 413, sent: 64 * 1024 });
    expect(app.processors.calls).toEqual([]);
    expect(app.logs.map((line) => line.msg)).not.toContain('delivery handled');
    expect(app.logs).toContainEqual(expect.objectContaining({ msg: `webhook body over ${GITHUB_MAX_PAYLOAD_BYTES} bytes refused (413)`, event: 'issues' }));
  });

  it('answers 413 to a chunked body once it passes 25 MB, without waiting for its end', async () => {
    await start();
    // One chunk past the cap, and the body never ends: only a server that stops at the cap answers.
    const upTo = GITHUB_MAX_PAYLOAD_BYTES + 256 * 1024;
    const answer = await post(app.url, { upTo, chunk: Buffer.alloc(256 * 1024, 0x20) });

    expect(answer.status).toBe(413);
    expect(app.processors.calls).toEqual([]);
  });

  it('still handles a signed delivery under the cap', async () => {
    await start();
    const payload = fixture('issues.labeled');

    const response = await app.deliver('issues', payload);

    expect(response.status).toBe(200);
    expect(app.logs).toContainEqual(expect.objectContaining({ msg: 'delivery handled', outcome: 'ignored' }));
  });

  it('logs neither the payload of a delivery with a bad signature nor of a signed one that is not JSON', async () => {
    await start();
    const marker = `payload-marker-${randomUUID()}`;
    const unsigned = JSON.stringify({ ...fixture('issues.labeled'), marker });
    const notJson = `{"marker": "${marker}", `;

    const bad = await app.deliver('issues', unsigned, { signature: sign(unsigned, 'not-the-secret') });
    const broken = await app.deliver('issues', notJson, { signature: sign(notJson) });

    expect([bad.status, broken.status]).toEqual([400, 400]);
    expect(app.logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(app.logs)).not.toContain(marker);
  });

  it('logs no payload when a handler fails', async () => {
    app = await startTestApp({ answers: { fail: new Error('Temporal is unavailable') } });
    unmatched = watchUnmatched();
    const marker = `payload-marker-${randomUUID()}`;
    const payload = fixture('issues.labeled');
    payload.label.name = 'aidp-build';
    payload.issue.body = marker;
    const scope = nock('https://api.github.com')
      .post(`/app/installations/${payload.installation.id}/access_tokens`)
      .reply(201, { token: 'ghs_intaketesttoken000000000000000000', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get('/repos/Codertocat/Hello-World/collaborators/Codertocat/permission')
      .reply(200, { permission: 'write' });

    expect((await app.deliver('issues', payload)).status).toBe(500);

    scope.done();
    expect(app.logs).toContainEqual(expect.objectContaining({ msg: 'delivery failed' }));
    expect(JSON.stringify(app.logs)).not.toContain(marker);
  });
});
