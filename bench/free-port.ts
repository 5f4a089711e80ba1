import { createServer } from 'node:net';

// Shared by the bench and the tests (test/support/free-port.ts re-exports it): both start aidp
// processes that need ports of their own.

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Where freeMetricsPort looks: below Linux's default ephemeral range (32768-60999), from which
 * every outgoing connection on the machine takes its local port. A port from that range that was
 * free a moment ago could be taken by any connection before the aidp process binds it (seen: the
 * SDK's "Address already in use" while other test runs loaded the machine).
 */
const METRICS_PORTS = { from: 20_000, to: 32_000 };

/**
 * An AIDP_METRICS_PORT for a spawned aidp process: the port and the next one (where the Temporal
 * SDK serves its own metrics) were both free a moment ago, and no earlier call handed either out.
 */
export async function freeMetricsPort(): Promise<number> {
  for (;;) {
    const port = METRICS_PORTS.from + Math.floor(Math.random() * (METRICS_PORTS.to - METRICS_PORTS.from));
    if (!handedOut.has(port) && !handedOut.has(port + 1) && (await bindable(port)) && (await bindable(port + 1))) {
      handedOut.add(port).add(port + 1);
      return port;
    }
  }
}

const handedOut = new Set<number>();
