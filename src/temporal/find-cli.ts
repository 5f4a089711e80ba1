import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where `npm run setup` (and `.ci/run`) builds the pinned Temporal CLI with `go install`. */
export const CACHED_CLI_PATH = join(homedir(), '.cache', 'aidp', 'bin', 'temporal');

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache';

export interface FoundTemporalCli {
  path: string;
  source: TemporalCliSource;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    // Missing or not executable: the caller tries the next place.
    return false;
  }
}

/**
 * Finds the `temporal` binary: env `TEMPORAL_CLI_PATH`, then `temporal` on PATH, then the
 * Go-built cache. Undefined means none: the caller falls back to the SDK's own download.
 * An explicit TEMPORAL_CLI_PATH that does not exist is an error, not a silent fallback.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): FoundTemporalCli | undefined {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutableFile(explicit)) {
      throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file; fix the path or unset it`);
    }
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = dir ? join(dir, 'temporal') : '';
    if (candidate && isExecutableFile(candidate)) return { path: candidate, source: 'PATH' };
  }
  if (isExecutableFile(CACHED_CLI_PATH)) return { path: CACHED_CLI_PATH, source: 'cache' };
  return undefined;
}
