import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/temporal/dev-server.js';
import { freePort } from './free-port.js';

/** Read by test files (same process under --runInBand) and written to a file for subprocesses. */
export const TEST_SERVER_FILE = join(tmpdir(), 'aidp-jest-temporal.json');

interface Holder {
  aidpTestServer?: { server: EmbeddedServer; workDir: string };
}

export async function startTestServer(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'aidp-jest-temporal-'));
  const server = await startEmbeddedServer({
    workDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    startTimeoutMs: 120_000,
  });
  (globalThis as Holder).aidpTestServer = { server, workDir };
  process.env.AIDP_TEST_TEMPORAL_ADDRESS = server.address;
  writeFileSync(TEST_SERVER_FILE, JSON.stringify({ address: server.address }));
}

export async function stopTestServer(): Promise<void> {
  const held = (globalThis as Holder).aidpTestServer;
  if (!held) return;
  await held.server.stop();
  rmSync(held.workDir, { recursive: true, force: true });
  rmSync(TEST_SERVER_FILE, { force: true });
}
