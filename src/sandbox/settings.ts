import { join } from 'node:path';
import type { EnvConfig } from '../config/env.js';

/** How agents and checks are isolated: one process-wide value, from the worker's environment. */
export interface SandboxSettings {
  /** false only with an explicit AIDP_SANDBOX=off. */
  enabled: boolean;
  /** The bubblewrap program: a name looked up on PATH, or a path. */
  bwrapPath: string;
  /** Absolute paths readable inside every sandbox (AIDP_SANDBOX_READ_PATHS). */
  readPaths: string[];
  /** Absolute paths writable inside every sandbox (AIDP_SANDBOX_WRITE_PATHS). */
  writePaths: string[];
  /** Provider variables agents get (AIDP_SANDBOX_ENV); absent: the defaults of the presets in use. */
  providerEnv?: string[];
  /** Never mounted, nor any path that contains one: the work dir, key files, the worker's cwd and its .env. */
  protectedPaths: string[];
  /** Scratch dirs go to `<workDir>/sandboxes/<key>`. */
  workDir: string;
}

/** The settings of a worker configured by `env`, started in `cwd`. */
export function sandboxSettings(env: EnvConfig, cwd: string = process.cwd()): SandboxSettings {
  return {
    enabled: env.sandbox === 'on',
    bwrapPath: 'bwrap',
    readPaths: env.sandboxReadPaths,
    writePaths: env.sandboxWritePaths,
    ...(env.sandboxEnv ? { providerEnv: env.sandboxEnv } : {}),
    protectedPaths: [env.workDir, env.privateKeyPath, env.temporalTlsKeyPath, cwd, join(cwd, '.env')].filter(
      (p): p is string => Boolean(p),
    ),
    workDir: env.workDir,
  };
}
