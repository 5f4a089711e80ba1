import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, realpathSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { MAX_SOCKET_PATH_BYTES, startEgressProxy } from '../src/sandbox/egress-proxy.js';
import type { NetworkPolicy } from '../src/domain/network-policy.js';
import { openSandboxNetwork, proxySocketPath, type SandboxNetwork } from '../src/sandbox/network.js';
import { tempDir } from './support/repos.js';

/** The node install, read-only inside the sandbox at the same path. */
const NODE_PREFIX = realpathSync(dirname(dirname(process.execPath)));

/** A minimal bubblewrap sandbox with `network`'s arguments, running `script` under node. */
async function runInSandbox(network: SandboxNetwork, script: string, ...args: string[]) {
  const bwrapArgs = [
    '--unshare-all',
    '--die-with-parent',
    '--ro-bind', '/usr', '/usr',
    '--symlink', 'usr/bin', '/bin',
    '--symlink', 'usr/lib', '/lib',
    '--symlink', 'usr/lib64', '/lib64',
    '--ro-bind', '/etc', '/etc',
    '--proc', '/proc',
    '--dev', '/dev',
    '--tmpfs', '/tmp',
    '--ro-bind', NODE_PREFIX, NODE_PREFIX,
    ...network.bwrapArgs,
    '--',
    ...network.wrapArgv([process.execPath, '-e', script, ...args]),
  ];
  return execa('bwrap', bwrapArgs, { env: { PATH: '/usr/bin:/bin', ...network.env }, extendEnv: false, reject: false });
}

/** Prints `<status> <body>` of a plain HTTP GET sent through $HTTP_PROXY. */
const GET_THROUGH_PROXY = `
const http = require('node:http');
const proxy = new URL(process.env.HTTP_PROXY);
const target = new URL(process.argv[1]);
const req = http.request({ host: proxy.hostname, port: proxy.port, path: target.href, headers: { host: target.host } }, (res) => {
  let body = '';
  res.on('data', (d) => (body += d));
  res.on('end', () => console.log(res.statusCode + ' ' + body.trim()));
});
req.on('error', (err) => { console.log('error ' + err.code); process.exitCode = 3; });
req.end();
`;

/** Prints the status of a CONNECT to $HTTPS_PROXY and, when it opens, the answer to a GET through the tunnel. */
const GET_THROUGH_TUNNEL = `
const http = require('node:http');
const proxy = new URL(process.env.HTTPS_PROXY);
const req = http.request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: process.argv[1] });
req.on('connect', (res, socket) => {
  if (res.statusCode !== 200) { console.log('connect ' + res.statusCode); socket.destroy(); return; }
  let answer = '';
  socket.on('data', (d) => (answer += d));
  socket.on('end', () => console.log('connect 200 ' + answer.split('\\r\\n')[0] + ' ' + answer.split('\\r\\n\\r\\n')[1]));
  socket.write('GET / HTTP/1.1\\r\\nHost: ' + process.argv[1] + '\\r\\nConnection: close\\r\\n\\r\\n');
});
req.on('error', (err) => { console.log('error ' + err.code); process.exitCode = 3; });
req.end();
`;

/** Prints how a direct TCP connect to 127.0.0.1:<port> ends. */
const CONNECT_DIRECTLY = `
const net = require('node:net');
const socket = net.connect(Number(process.argv[1]), '127.0.0.1');
socket.on('connect', () => { console.log('connected'); socket.destroy(); });
socket.on('error', (err) => console.log('error ' + err.code));
`;

describe('the sandbox network', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('hello from the host'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function withNetwork<T>(policy: NetworkPolicy, fn: (network: SandboxNetwork) => Promise<T>): Promise<T> {
    const network = await openSandboxNetwork(policy, { socketPath: join(tempDir('net'), 'proxy.sock') });
    try {
      return await fn(network);
    } finally {
      await network.close();
    }
  }

  it('reaches an allowed host with a plain HTTP request through the proxy', async () => {
    const run = await withNetwork({ allow: ['127.0.0.1'] }, (n) => runInSandbox(n, GET_THROUGH_PROXY, `http://127.0.0.1:${port}/`));
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('200 hello from the host');
  });

  it('reaches an allowed host through a CONNECT tunnel', async () => {
    const run = await withNetwork({ allow: ['localhost'] }, (n) => runInSandbox(n, GET_THROUGH_TUNNEL, `localhost:${port}`));
    expect(run.stdout).toBe('connect 200 HTTP/1.1 200 OK hello from the host');
  });

  it('refuses a host that is not in the list with 403 and says where to allow it', async () => {
    const run = await withNetwork({ allow: ['api.example.com'] }, (n) => runInSandbox(n, GET_THROUGH_PROXY, `http://127.0.0.1:${port}/`));
    expect(run.stdout).toMatch(/^403 .*127\.0\.0\.1.*sandbox\.network\.allow.*\.github\/aidp\.yml/);
  });

  it('refuses a CONNECT to a host that is not in the list', async () => {
    const run = await withNetwork({ allow: ['api.example.com'] }, (n) => runInSandbox(n, GET_THROUGH_TUNNEL, `127.0.0.1:${port}`));
    expect(run.stdout).toBe('connect 403');
  });

  it('matches a wildcard against subdomains only', async () => {
    const run = await withNetwork({ allow: ['*.127.0.0.1'] }, (n) => runInSandbox(n, GET_THROUGH_PROXY, `http://127.0.0.1:${port}/`));
    expect(run.stdout).toMatch(/^403 /);
  });

  it('leaves a sandbox with no allowed host unable to connect to the host', async () => {
    const run = await withNetwork({ allow: [] }, (n) => runInSandbox(n, CONNECT_DIRECTLY, String(port)));
    expect(run.stdout).toBe('error ECONNREFUSED');
  });

  it('adds nothing to a sandbox with no allowed host', async () => {
    const network = await openSandboxNetwork({ allow: [] }, { socketPath: join(tempDir('net'), 'proxy.sock') });
    expect({ args: network.bwrapArgs, env: network.env, argv: network.wrapArgv(['a', 'b']) }).toEqual({ args: [], env: {}, argv: ['a', 'b'] });
  });

  it('lets "*" through the proxy like any other list', async () => {
    const network = await openSandboxNetwork({ allow: ['*'] }, { socketPath: join(tempDir('net'), 'proxy.sock') });
    try {
      expect({ shared: network.bwrapArgs.includes('--share-net'), proxy: network.env.HTTPS_PROXY }).toEqual({ shared: false, proxy: 'http://127.0.0.1:3128' });
    } finally {
      await network.close();
    }
  });

  it('keeps "*" off the worker\'s own loopback', async () => {
    const direct = await withNetwork({ allow: ['*'] }, (n) => runInSandbox(n, CONNECT_DIRECTLY, String(port)));
    const proxied = await withNetwork({ allow: ['*'] }, (n) => runInSandbox(n, GET_THROUGH_TUNNEL, `localhost:${port}`));
    expect({ direct: direct.stdout, proxied: proxied.stdout }).toEqual({ direct: 'error ECONNREFUSED', proxied: 'connect 403' });
  });

  it('exits with the exit code of the command it runs', async () => {
    const run = await withNetwork({ allow: ['127.0.0.1'] }, (n) => runInSandbox(n, 'process.exit(7)'));
    expect(run.exitCode).toBe(7);
  });

  it('ends as the command it runs ends when that is killed by a signal', async () => {
    const run = await withNetwork({ allow: ['127.0.0.1'] }, (n) => runInSandbox(n, "process.kill(process.pid, 'SIGTERM')"));
    // bwrap reports a child killed by signal n as the shell does: 128 + n.
    expect(run.exitCode).toBe(128 + 15);
  });

  it('passes the command its stdin', async () => {
    const network = await openSandboxNetwork({ allow: ['127.0.0.1'] }, { socketPath: join(tempDir('net'), 'proxy.sock') });
    try {
      const argv = network.wrapArgv([process.execPath, '-e', "process.stdin.on('data', (d) => process.stdout.write(String(d).toUpperCase()))"]);
      const run = await execa('bwrap', ['--unshare-all', '--die-with-parent', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--ro-bind', NODE_PREFIX, NODE_PREFIX, '--proc', '/proc', '--dev', '/dev', ...network.bwrapArgs, '--', ...argv], {
        input: 'prompt text',
        env: { PATH: '/usr/bin' },
        extendEnv: false,
        reject: false,
      });
      expect(run.stdout).toBe('PROMPT TEXT');
    } finally {
      await network.close();
    }
  });

  it('puts the proxy socket of a run with long slugs in a long work dir where a unix socket fits, one per run', () => {
    const workDir = `/var/lib/${'w'.repeat(60)}`;
    const scratch = (unit: string) => join(workDir, 'sandboxes', `${'a-long-feature-slug-'.repeat(3)}--${unit}-3`);
    const [first, second] = [proxySocketPath(workDir, scratch('first-unit')), proxySocketPath(workDir, scratch('second-unit'))];
    expect(Buffer.byteLength(first)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
    expect(Buffer.byteLength(scratch('first-unit'))).toBeGreaterThan(MAX_SOCKET_PATH_BYTES);
    expect(first).not.toBe(second);
  });

  it('removes the proxy socket when closed', async () => {
    const network = await openSandboxNetwork({ allow: ['127.0.0.1'] }, { socketPath: join(tempDir('net'), 'proxy.sock') });
    const socket = network.bwrapArgs[network.bwrapArgs.indexOf('--bind') + 1] ?? '';
    const before = existsSync(socket);
    await network.close();
    expect({ before, after: existsSync(socket) }).toEqual({ before: true, after: false });
  });

  /** The status of a plain HTTP GET of `url` sent straight to the proxy's socket. */
  function getThroughSocket(socketPath: string, url: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath, path: url, headers: { host: new URL(url).host } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('refuses a listed name that resolves to a loopback address', async () => {
    const socketPath = join(tempDir('net'), 'proxy.sock');
    const proxy = await startEgressProxy({ socketPath, allow: ['*'] });
    try {
      expect(await getThroughSocket(socketPath, `http://localhost:${port}/`)).toBe(403);
    } finally {
      await proxy.close();
    }
  });

  it('logs each host once with its verdict, never the path', async () => {
    const lines: Array<{ level: string; message: string; meta?: Record<string, unknown> }> = [];
    const log = {
      info: (message: string, meta?: Record<string, unknown>) => lines.push({ level: 'info', message, meta }),
      warn: (message: string, meta?: Record<string, unknown>) => lines.push({ level: 'warn', message, meta }),
    };
    const socketPath = join(tempDir('net'), 'proxy.sock');
    const proxy = await startEgressProxy({ socketPath, allow: ['127.0.0.1'], log });
    try {
      await getThroughSocket(socketPath, `http://127.0.0.1:${port}/private-path?token=abc`);
      await getThroughSocket(socketPath, `http://127.0.0.1:${port}/private-path?token=abc`);
      await getThroughSocket(socketPath, `http://localhost:${port}/private-path`);
    } finally {
      await proxy.close();
    }
    expect(lines).toEqual([
      { level: 'info', message: 'sandbox network: allowed', meta: { host: '127.0.0.1', allowed: true } },
      { level: 'warn', message: 'sandbox network: denied', meta: { host: 'localhost', allowed: false, reason: 'not in the allow list' } },
    ]);
  });

  it('finds the forwarder next to the compiled module in dist', async () => {
    const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'sandbox', 'network.js');
    const script = `import('${built}').then(async (m) => console.log(require('node:fs').existsSync(m.FORWARDER_PATH) && m.FORWARDER_PATH.includes('/dist/')))`;
    const run = await execa(process.execPath, ['-e', script], { reject: false });
    expect(run.stdout).toBe('true');
  });
});
