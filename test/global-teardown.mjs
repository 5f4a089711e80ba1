import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  const held = globalThis.aidpTestServer;
  if (held) await held.server.stop();
  // Everything the run wrote under its TMPDIR (see global-setup.mjs), the server's database included.
  const runDir = globalThis.aidpTestRunDir;
  if (!runDir || process.env.AIDP_TEST_KEEP_TMP === '1') return;
  try {
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    // A process a test left behind may still be writing there: what is left stays, the run's result stands.
    console.warn(`could not remove ${runDir} entirely: ${err instanceof Error ? err.message : String(err)}`);
  }
}
