import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncLocalStorage } from '@temporalio/activity';
import type { NetworkPolicy } from '../domain/network-policy.js';
import { startEgressProxy, type NetworkLog } from './egress-proxy.js';

export type { NetworkLog } from './egress-proxy.js';

export interface SandboxNetwork {
  /** Extra bwrap arguments (the binds of the proxy socket and the forwarder). */
  bwrapArgs: string[];
  /** Extra environment inside the sandbox (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, lower case too). */
  env: Record<string, string>;
  /** The argv to run inside the sandbox in place of `argv`. */
  wrapArgv(argv: string[]): string[];
  close(): Promise<void>;
}

/** Where the network's files appear inside the sandbox. */
export const SANDBOX_NET_DIR = '/run/aidp-net';
/** The forwarder's port on the sandbox's own loopback: the sandbox's HTTP(S)_PROXY. */
export const FORWARDER_PORT = 3128;
/** The forwarder script, next to this module in src/ and in dist/ alike. */
export const FORWARDER_PATH = fileURLToPath(new URL('./forwarder.mjs', import.meta.url));

/**
 * Where the egress proxy of a sandbox whose scratch dir is `scratch` listens:
 * `<workDir>/net/<16 hex>.sock`, named after that dir. A unix socket's path must fit in 107
 * bytes, and inside the scratch dir (named after the feature and the unit) it did not with long
 * slugs or a long work dir; this one stays under it for any work dir of up to 80 bytes.
 */
export function proxySocketPath(workDir: string, scratch: string): string {
  return join(workDir, 'net', `${createHash('sha256').update(scratch).digest('hex').slice(0, 16)}.sock`);
}

const NO_NETWORK: SandboxNetwork = {
  bwrapArgs: [],
  env: {},
  wrapArgv: (argv) => argv,
  close: async () => undefined,
};

/**
 * The network side of one sandbox. No hosts: nothing is added, and bwrap's `--unshare-all`
 * leaves the sandbox with loopback only. Otherwise an egress proxy on the unix socket `socketPath`,
 * reached inside the sandbox through a forwarder on 127.0.0.1:{@link FORWARDER_PORT} that runs
 * the command, lets through the listed hosts (`*`: any host) at public addresses only, so not
 * even `*` reaches the worker's loopback services, its LAN or cloud metadata; close() stops it.
 * The node binary that runs the forwarder is bound into the sandbox with it.
 */
export async function openSandboxNetwork(
  policy: NetworkPolicy,
  opts: { socketPath: string; log?: NetworkLog },
): Promise<SandboxNetwork> {
  if (policy.allow.length === 0) return NO_NETWORK;

  const { socketPath } = opts;
  // The activity's logger, captured now: the proxy's callbacks run outside the activity's context.
  const log = opts.log ?? asyncLocalStorage.getStore()?.log;
  const proxy = await startEgressProxy({ socketPath, allow: policy.allow, log });
  const proxyUrl = `http://127.0.0.1:${FORWARDER_PORT}`;
  const local = 'localhost,127.0.0.1,::1';
  const inside = {
    socket: `${SANDBOX_NET_DIR}/proxy.sock`,
    forwarder: `${SANDBOX_NET_DIR}/forwarder.mjs`,
    node: `${SANDBOX_NET_DIR}/node`,
  };
  return {
    bwrapArgs: [
      '--bind', socketPath, inside.socket,
      '--ro-bind', FORWARDER_PATH, inside.forwarder,
      '--ro-bind', process.execPath, inside.node,
    ],
    env: {
      HTTP_PROXY: proxyUrl,
      HTTPS_PROXY: proxyUrl,
      http_proxy: proxyUrl,
      https_proxy: proxyUrl,
      // The sandbox's own loopback (a test's server) is reached directly.
      NO_PROXY: local,
      no_proxy: local,
      // Node's own http and fetch honour the variables above from Node 22.21/24.5 on.
      NODE_USE_ENV_PROXY: '1',
    },
    wrapArgv: (argv) => [inside.node, inside.forwarder, String(FORWARDER_PORT), inside.socket, '--', ...argv],
    close: () => proxy.close(),
  };
}
