import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { expect } from '@jest/globals';
import { readTestServerFile, TEST_SERVER_FILE } from './test-server-file.js';

/**
 * The Temporal namespace of the running test file, e.g. `aidp-test-github-build`. jest's
 * globalSetup registers one per test file, so a file's task queues are its own: a workflow or
 * activity task one file left behind never reaches another file's worker, and listing or
 * terminating workflows sees only this file's.
 */
export function testNamespace(): string {
  const testPath = expect.getState().testPath;
  if (!testPath) throw new Error('testNamespace() is only known while jest runs a test file');
  const namespace = readTestServerFile().namespaces?.[basename(testPath)];
  if (!namespace) throw new Error(`no Temporal namespace for ${basename(testPath)}: jest's globalSetup registers one for each test/*.test.ts it finds`);
  return namespace;
}

/** `TEMPORAL_NAMESPACE` for an aidp process a test spawns; none in a run without the dev server (AIDP_TEST_NO_TEMPORAL=1). */
export function testNamespaceEnv(): Record<string, string> {
  return existsSync(TEST_SERVER_FILE) ? { TEMPORAL_NAMESPACE: testNamespace() } : {};
}
