import { rmSync } from 'node:fs';
import { TEST_SERVER_FILE } from './global-setup.mjs';

export default async function globalTeardown() {
  const held = globalThis.aidpTestServer;
  if (!held) return;
  await held.server.stop();
  rmSync(held.workDir, { recursive: true, force: true });
  rmSync(TEST_SERVER_FILE, { force: true });
}
