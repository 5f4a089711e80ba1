import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { testNamespace } from './test-namespace.js';
import { readTestServerFile } from './test-server-file.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The dev server started by jest's globalSetup for the whole run. */
export function testServerAddress(): string {
  if (process.env.AIDP_TEST_TEMPORAL_ADDRESS) return process.env.AIDP_TEST_TEMPORAL_ADDRESS;
  return readTestServerFile().address;
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
  const { bundlePath } = readTestServerFile();
  if (bundlePath) return { code: readFileSync(bundlePath, 'utf8'), sourceMap: '' };
  return bundleWorkflowCode({
    workflowsPath: join(here, '..', '..', 'src', 'workflows', 'index.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
}
