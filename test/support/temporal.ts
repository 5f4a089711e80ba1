import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { tmpdir } from 'node:os';
import { testNamespace } from './test-namespace.js';

/** Written by jest's globalSetup: the dev server's address (and the run's workflow bundle). */
export const TEST_SERVER_FILE = join(tmpdir(), 'aidp-jest-temporal.json');

const here = dirname(fileURLToPath(import.meta.url));

/** The dev server started by jest's globalSetup for the whole run. */
export function testServerAddress(): string {
  if (process.env.AIDP_TEST_TEMPORAL_ADDRESS) return process.env.AIDP_TEST_TEMPORAL_ADDRESS;
  return (JSON.parse(readFileSync(TEST_SERVER_FILE, 'utf8')) as { address: string }).address;
}

export interface TestTemporal {
  client: Client;
  /** This test file's namespace (testNamespace()): pass it to workers. */
  namespace: string;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** `dataConverter`: the client's; pass the same one to the workers (e.g. aidp's payload encryption). */
export async function connectToTestServer(opts: { dataConverter?: DataConverter } = {}): Promise<TestTemporal> {
  const address = testServerAddress();
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const namespace = testNamespace();
  return {
    client: new Client({ connection, namespace, dataConverter: opts.dataConverter }),
    namespace,
    nativeConnection,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** The run's workflow bundle, made once by jest's globalSetup from src/workflows (read per file). */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  const { bundlePath } = JSON.parse(readFileSync(TEST_SERVER_FILE, 'utf8')) as { bundlePath?: string };
  if (bundlePath) return { code: readFileSync(bundlePath, 'utf8'), sourceMap: '' };
  return bundleWorkflowCode({
    workflowsPath: join(here, '..', '..', 'src', 'workflows', 'index.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
}
