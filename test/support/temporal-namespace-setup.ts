import { beforeAll } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { testServerAddress, TEST_SERVER_FILE } from './temporal.js';
import { testNamespace } from './test-namespace.js';

/** Registers this test file's namespace on the run's dev server before the file's own hooks run. */
beforeAll(async () => {
  if (process.env.AIDP_TEST_NO_TEMPORAL === '1') return;
  if (!process.env.AIDP_TEST_TEMPORAL_ADDRESS && !existsSync(TEST_SERVER_FILE)) return;
  // A server file left by a run that was killed: the files that need Temporal will say so themselves.
  const connection = await Connection.connect({ address: testServerAddress(), connectTimeout: '3s' }).catch(() => undefined);
  if (!connection) return;
  try {
    await connection.workflowService.registerNamespace({ namespace: testNamespace(), workflowExecutionRetentionPeriod: msToTs('1 day') });
  } catch (err) {
    // ALREADY_EXISTS: a file run twice against one server (jest --watch) keeps its namespace.
    if ((err as { code?: number }).code !== 6) throw err;
  } finally {
    await connection.close();
  }
});
