import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxSettings } from '../../src/sandbox/settings.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the scripted agents live: readable inside every test sandbox. */
export const AGENTS_DIR = join(here, '..', 'fixtures', 'agents');

let ioRoot: string | undefined;
/** One writable dir per test process for what agents read and write outside their worktree (logs, markers). */
function agentIoRoot(): string {
  ioRoot ??= mkdtempSync(join(tmpdir(), 'aidp-test-agent-io-'));
  return ioRoot;
}

/** A temp dir an agent in a sandbox can read and write (its `--log`, `--fixed-marker`, `--json` files). */
export function agentIoDir(prefix: string): string {
  return mkdtempSync(join(agentIoRoot(), `${prefix}-`));
}

/** Sandbox settings for tests: on, the scripted agents readable, the agent I/O dirs writable. */
export function testSandbox(workDir: string, overrides: Partial<SandboxSettings> = {}): SandboxSettings {
  return {
    enabled: true,
    bwrapPath: 'bwrap',
    readPaths: [AGENTS_DIR],
    writePaths: [agentIoRoot()],
    protectedPaths: [workDir, process.cwd(), join(process.cwd(), '.env')],
    workDir,
    ...overrides,
  };
}

/** The same settings for a spawned CLI, as environment variables. */
export function sandboxEnv(): Record<string, string> {
  return { AIDP_SANDBOX: 'on', AIDP_SANDBOX_READ_PATHS: AGENTS_DIR, AIDP_SANDBOX_WRITE_PATHS: agentIoRoot() };
}

/**
 * Host pids of live processes whose command line mentions `text` (a test's unique dir).
 * An agent in a sandbox only knows its pid inside its PID namespace; this finds it from outside.
 */
export function livePidsMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ').pop()?.[0];
      if (cmdline.includes(text) && state !== 'Z' && Number(name) !== process.pid) pids.push(Number(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  return pids;
}
