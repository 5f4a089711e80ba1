import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Written by jest's globalSetup (test/global-setup.mjs) for the whole run. */
export const TEST_SERVER_FILE = join(tmpdir(), 'aidp-jest-temporal.json');

export interface TestServerFile {
  /** The dev server's address. */
  address: string;
  /** The workflow bundle made once for the run. */
  bundlePath?: string;
  /** Test file name → its own registered namespace. */
  namespaces?: Record<string, string>;
}

export function readTestServerFile(): TestServerFile {
  return JSON.parse(readFileSync(TEST_SERVER_FILE, 'utf8')) as TestServerFile;
}
