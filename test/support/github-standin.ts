import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * GitHub Enterprise Server as other processes see it, on 127.0.0.1: the REST API under /api/v3
 * (the routes a label-to-PR build calls) and repositories over smart HTTP (`git http-backend`).
 * nock cannot reach into a spawned aidp, so this is a real server. The app authenticates with a
 * JWT signed by its private key (checked here); installation tokens it hands out are the only
 * credentials the API and git accept. Every request outside the routes is recorded as unexpected.
 */
export interface GitHubStandIn {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `127.0.0.1:<port>`: GHE_HOST. */
  host: string;
  /** Every request, as `METHOD path`. */
  requests: string[];
  /** Requests no route answered, or answered 401. */
  unexpected: string[];
  comments: Map<number, { id: number; issue: number; body: string }>;
  pulls: { number: number; title: string; head: string; base: string; body: string }[];
  close(): Promise<void>;
}

interface Options {
  appId: number;
  privateKeyPem: string;
  installationId: number;
  /** Bare repositories live at `<gitRoot>/<owner>/<repo>.git`. */
  gitRoot: string;
  writers: string[];
}

type Json = Record<string, unknown> | unknown[];

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Whether `authorization` is `Bearer <JWT>` signed RS256 by the app's key and issued by the app. */
function isAppJwt(authorization: string | undefined, publicKey: KeyObject, appId: number): boolean {
  const [scheme, jwt] = (authorization ?? '').split(' ');
  const [header, payload, signature] = (jwt ?? '').split('.');
  if (scheme?.toLowerCase() !== 'bearer' || !header || !payload || !signature) return false;
  const signed = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number };
  return signed && String(claims.iss) === String(appId) && (claims.exp ?? 0) * 1000 > Date.now();
}

/** Runs `git http-backend` for one request (CGI): the response's status and headers from its output, then the body. */
function gitHttpBackend(req: IncomingMessage, res: ServerResponse, url: URL, gitRoot: string, user: string): void {
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: gitRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: (req.headers['git-protocol'] as string | undefined) ?? '',
      REMOTE_USER: user,
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
      else res.setHeader(name, value);
    }
    res.statusCode = status;
    res.write(head.subarray(end + 4));
  });
  cgi.on('close', () => res.end());
}

export async function startGitHubStandIn(opts: Options): Promise<GitHubStandIn> {
  const publicKey = createPublicKey(opts.privateKeyPem);
  const tokens = new Set<string>();
  const requests: string[] = [];
  const unexpected: string[] = [];
  const comments = new Map<number, { id: number; issue: number; body: string }>();
  const pulls: GitHubStandIn['pulls'] = [];
  let origin = '';
  let nextId = 9000;

  const hasToken = (req: IncomingMessage): boolean => {
    const authorization = req.headers.authorization ?? '';
    if (/^token /i.test(authorization)) return tokens.has(authorization.slice(6));
    if (/^basic /i.test(authorization)) {
      const [user, password] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
      return user === 'x-access-token' && tokens.has(password ?? '');
    }
    return false;
  };

  /** The REST routes; undefined when none matches. */
  const api = (method: string, path: string, body: Record<string, unknown>, query: URLSearchParams): [number, Json] | undefined => {
    let m: RegExpExecArray | null;
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/.exec(path)) && method === 'GET') {
      return [200, { permission: opts.writers.includes(m[3]!) ? 'write' : 'read', role_name: 'write' }];
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = Number(m[3]);
      if (method === 'GET') return [200, [...comments.values()].filter((c) => c.issue === issue).map((c) => ({ id: c.id, body: c.body, user: { login: 'aidp[bot]', type: 'Bot' } }))];
      if (method === 'POST') {
        const id = nextId++;
        comments.set(id, { id, issue, body: String(body.body) });
        return [201, { id, body: body.body, html_url: `${origin}/${m[1]}/${m[2]}/issues/${issue}#issuecomment-${id}` }];
      }
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const comment = comments.get(Number(m[3]));
      if (!comment) return [404, { message: 'Not Found' }];
      comment.body = String(body.body);
      return [200, { id: comment.id, body: comment.body }];
    }
    if (/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+\/reactions$/.test(path) && method === 'POST') return [201, { id: nextId++ }];
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(path)) && method === 'GET') {
      // The file as committed in the bare repository, base64 as GitHub's JSON form has it.
      const file = decodeURIComponent(m[3]!);
      try {
        const text = execFileSync('git', ['--git-dir', join(opts.gitRoot, m[1]!, `${m[2]!}.git`), 'show', `${query.get('ref') ?? 'HEAD'}:${file}`], { stdio: ['ignore', 'pipe', 'ignore'] });
        return [200, { type: 'file', path: file, encoding: 'base64', content: text.toString('base64') }];
      } catch {
        return [404, { message: 'Not Found' }];
      }
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(path))) {
      if (method === 'GET') return [200, pulls.map((p) => ({ number: p.number, html_url: `${origin}/${m![1]}/${m![2]}/pull/${p.number}`, head: { ref: p.head }, base: { ref: p.base } }))];
      if (method === 'POST') {
        const pull = { number: pulls.length + 1, title: String(body.title), head: String(body.head), base: String(body.base), body: String(body.body ?? '') };
        pulls.push(pull);
        return [201, { number: pull.number, html_url: `${origin}/${m[1]}/${m[2]}/pull/${pull.number}`, head: { ref: pull.head }, base: { ref: pull.base } }];
      }
    }
    // The build's `aidp` check run on the feature PR's head.
    if (/^\/repos\/[^/]+\/[^/]+\/check-runs$/.test(path) && method === 'POST') return [201, { id: nextId++, html_url: `${origin}/runs/${nextId}` }];
    return undefined;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      const method = req.method ?? 'GET';
      requests.push(`${method} ${url.pathname}`);
      const reply = (status: number, json: Json, headers: Record<string, string> = {}) => {
        if (status === 401 || status === 404) unexpected.push(`${method} ${url.pathname} → ${status}`);
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
      };
      if (/\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/.test(url.pathname)) {
        // Like GitHub: no anonymous access, so git must ask aidp's credential helper.
        if (!hasToken(req)) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' }).end();
          return;
        }
        gitHttpBackend(req, res, url, opts.gitRoot, 'x-access-token');
        return;
      }
      if (!url.pathname.startsWith('/api/v3/')) return reply(404, { message: 'Not Found' });
      const path = url.pathname.slice('/api/v3'.length);
      const raw = await readBody(req);
      const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
      if (path === `/app/installations/${opts.installationId}/access_tokens` && method === 'POST') {
        if (!isAppJwt(req.headers.authorization, publicKey, opts.appId)) return reply(401, { message: 'A JSON web token could not be decoded' });
        const token = `ghs_standin${String(tokens.size).padStart(29, '0')}`;
        tokens.add(token);
        return reply(201, { token, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { contents: 'write', issues: 'write', pull_requests: 'write' } });
      }
      if (path === '/app/installations' && method === 'GET') {
        // A reconcile pass the schedule fires mid-test (its interval is aligned to the clock) finds nothing to do.
        if (!isAppJwt(req.headers.authorization, publicKey, opts.appId)) return reply(401, { message: 'A JSON web token could not be decoded' });
        return reply(200, []);
      }
      if (/^\/repos\/[^/]+\/[^/]+\/installation$/.test(path) && method === 'GET') {
        if (!isAppJwt(req.headers.authorization, publicKey, opts.appId)) return reply(401, { message: 'A JSON web token could not be decoded' });
        return reply(200, { id: opts.installationId });
      }
      if (!hasToken(req)) return reply(401, { message: 'Bad credentials' });
      const answer = api(method, path, body, url.searchParams);
      if (!answer) return reply(404, { message: 'Not Found' });
      return reply(...answer);
    })().catch((error: unknown) => {
      unexpected.push(`${req.method} ${req.url} threw ${String(error)}`);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    host: `127.0.0.1:${port}`,
    requests,
    unexpected,
    comments,
    pulls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
