// Starts one real Temporal dev server for the whole jest run. Jest loads this file with Node's
// own loader, so it uses the compiled dev-server module: `npm test` builds first.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedServer } from '../dist/src/temporal/dev-server.js';

export const TEST_SERVER_FILE = join(tmpdir(), 'aidp-jest-temporal.json');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  if (process.env.AIDP_TEST_NO_TEMPORAL === '1') return;
  const workDir = mkdtempSync(join(tmpdir(), 'aidp-jest-temporal-'));
  const server = await startEmbeddedServer({
    workDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    startTimeoutMs: 120_000,
    // Temporal suggests continue-as-new after 4Ki events by default; this low limit makes every
    // feature of more than a few units continue as new in the tests, so that path is always run.
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 120 },
  });
  globalThis.aidpTestServer = { server, workDir };
  process.env.AIDP_TEST_TEMPORAL_ADDRESS = server.address;
  writeFileSync(TEST_SERVER_FILE, JSON.stringify({ address: server.address }));
}
