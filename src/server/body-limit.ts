import type { IncomingMessage, ServerResponse } from 'node:http';

/** GitHub caps webhook payloads at 25 MB and never sends a larger one. */
export const GITHUB_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: false });

/** What became of a body: read whole, refused (413 sent), or abandoned by the sender. */
export type BodyOutcome = 'read' | 'too-large' | 'aborted';

/**
 * Reads a request body of at most `maxBytes` into `req.body` (a string), or answers 413.
 * A declared Content-Length over the cap is refused before a byte is read; a chunked body is
 * counted as it arrives and refused at the first byte past the cap. Nothing past the cap is
 * kept, and a refused connection is cut after `LINGER_MS`.
 */
export async function bufferWithin(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<BodyOutcome> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    tooLarge(req, res, maxBytes);
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let received = 0;
  const outcome = await new Promise<BodyOutcome>((resolve) => {
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      chunks.length = 0;
      resolve('too-large');
    };
    req.on('data', onData);
    req.once('end', () => resolve('read'));
    // A sender gone mid-body: nothing to answer, and nothing kept.
    req.once('error', () => resolve('aborted'));
    req.once('close', () => resolve(req.complete ? 'read' : 'aborted'));
  });
  if (outcome === 'too-large') tooLarge(req, res, maxBytes);
  if (outcome !== 'read') return outcome;
  // @octokit/webhooks verifies and parses a string `body` instead of reading the stream.
  Object.assign(req, { body: decoder.decode(Buffer.concat(chunks, received)) });
  return 'read';
}

/**
 * A sender still writing when it is refused would get a TCP reset instead of the answer if the
 * socket closed at once: the rest of its body is read and dropped (nothing kept) for this long,
 * then the connection is cut.
 */
const LINGER_MS = 2000;

function tooLarge(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  res.writeHead(413, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: `payload larger than ${maxBytes} bytes` }));
  const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
  cut.unref();
  req.once('end', () => clearTimeout(cut));
  req.once('close', () => clearTimeout(cut));
  req.on('data', drop);
  req.resume();
}

function drop(): void {}
