import { basename } from 'node:path';
import { expect } from '@jest/globals';

/**
 * The Temporal namespace of the running test file, e.g. `aidp-test-github-build`. Each file has its
 * own, registered before its first test (temporal-namespace-setup.ts), so its task queues are its
 * own: a workflow or activity task one file left behind never reaches another file's worker, and
 * listing or terminating workflows sees only this file's.
 */
export function testNamespace(): string {
  const testPath = expect.getState().testPath;
  if (!testPath) throw new Error('testNamespace() is only known while jest runs a test file');
  const name = basename(testPath).replace(/\.test\.[cm]?[jt]s$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return `aidp-test-${name}`;
}
