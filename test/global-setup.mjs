// Starts one real Temporal dev server for the whole jest run, and bundles the workflow code once
// for every test file's workers (webpack takes seconds; 20-odd files used to bundle their own).
// Jest loads this file with Node's own loader, so it uses the compiled dev-server module:
// `npm test` builds first. The bundle is made from src/ (not dist/), as the files did themselves.
// Every test file gets a Temporal namespace of its own, which the server creates as it starts (see
// test/support/test-namespace.ts): its task queues are its own.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startEmbeddedServer } from '../dist/src/temporal/dev-server.js';

/** Where the test files find the server: in the run's own temporary directory (see below). */
export const testServerFile = () => join(tmpdir(), 'aidp-jest-temporal.json');

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

const here = dirname(fileURLToPath(import.meta.url));

/** `github-build.test.ts` → `aidp-test-github-build`, for every test file. */
function testNamespaces() {
  const files = readdirSync(here).filter((name) => /\.test\.[cm]?[jt]s$/.test(name));
  return Object.fromEntries(files.map((name) => [name, `aidp-test-${name.replace(/\.test\.[cm]?[jt]s$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`]));
}

const QUIET = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export default async function globalSetup() {
  // One temporary directory for the whole run: TMPDIR, which the test files' workers and every
  // process they start inherit, so the repositories, work dirs and agents' files of all tests land
  // in it, and the teardown removes it at once (AIDP_TEST_KEEP_TMP=1 keeps it to look into).
  const runDir = mkdtempSync(join(tmpdir(), 'aidp-jest-run-'));
  process.env.TMPDIR = runDir;
  globalThis.aidpTestRunDir = runDir;
  if (process.env.AIDP_TEST_NO_TEMPORAL === '1') return;
  const workDir = mkdtempSync(join(tmpdir(), 'aidp-jest-temporal-'));
  const namespaces = testNamespaces();
  const bundling = bundleWorkflowCode({
    workflowsPath: join(here, '..', 'src', 'workflows', 'index.ts'),
    logger: QUIET,
  });
  const server = await startEmbeddedServer({
    workDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    startTimeoutMs: 120_000,
    // Temporal suggests continue-as-new after 4Ki events by default; this low limit makes every
    // feature of more than a few units continue as new in the tests, so that path is always run.
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 120 },
    // Created with aidp's search attributes as the server starts: registering them afterwards
    // meant waiting for the server's namespace cache (8 s of every run).
    extraNamespaces: Object.values(namespaces),
  });
  const bundlePath = join(workDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await bundling).code);
  globalThis.aidpTestServer = { server, workDir };
  process.env.AIDP_TEST_TEMPORAL_ADDRESS = server.address;
  writeFileSync(testServerFile(), JSON.stringify({ address: server.address, bundlePath, namespaces }));
}
