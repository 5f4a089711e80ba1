import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { tmpdir } from 'node:os';

const TEST_SERVER_FILE = join(tmpdir(), 'aidp-jest-temporal.json');

const here = dirname(fileURLToPath(import.meta.url));

/** The dev server started by jest's globalSetup for the whole run. */
export function testServerAddress(): string {
  if (process.env.AIDP_TEST_TEMPORAL_ADDRESS) return process.env.AIDP_TEST_TEMPORAL_ADDRESS;
  return (JSON.parse(readFileSync(TEST_SERVER_FILE, 'utf8')) as { address: string }).address;
}

export interface TestTemporal {
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** `dataConverter`: the client's; pass the same one to the workers (e.g. aidp's payload encryption). */
export async function connectToTestServer(opts: { dataConverter?: DataConverter } = {}): Promise<TestTemporal> {
  const address = testServerAddress();
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default', dataConverter: opts.dataConverter }),
    nativeConnection,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** Bundle the workflows once per test file, not once per worker. */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: join(here, '..', '..', 'src', 'workflows', 'index.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
}
