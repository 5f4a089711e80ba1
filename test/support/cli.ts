import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { freeMetricsPort } from './free-port.js';
import { tempDir } from './repos.js';
import { sandboxEnv } from './sandbox.js';
import { testServerAddress } from './temporal.js';
import { testNamespaceEnv } from './test-namespace.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The installed CLI entry (built by `npm run build`, which `npm test` runs first). */
export const AIDP_BIN = join(here, '..', '..', 'bin', 'aidp.js');
export const SCRIPTED_AGENT = join(here, '..', 'fixtures', 'agents', 'scripted-agent.mjs');

/** An environment without the developer's own aidp or Temporal settings, with the test sandbox's paths and this file's namespace. */
export function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('AIDP_') || key.startsWith('TEMPORAL_') || ['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET'].includes(key)) {
      delete env[key];
    }
  }
  return { ...env, LOG_LEVEL: 'warn', ...sandboxEnv(), ...testNamespaceEnv(), ...extra };
}

/** The aidp CLI on the run's dev server: a fresh work dir, host id `<hostPrefix>-<now>` and metrics port; `extra` on top. */
export async function temporalCliEnv(hostPrefix: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    AIDP_ENGINE: 'temporal',
    TEMPORAL_ADDRESS: testServerAddress(),
    AIDP_WORKDIR: tempDir('cli-work'),
    AIDP_HOST_ID: `${hostPrefix}-${Date.now()}`,
    AIDP_METRICS_PORT: String(await freeMetricsPort()),
    ...extra,
  };
}

export async function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  return execa('node', [AIDP_BIN, ...args], { env: cleanEnv(env), extendEnv: false, reject: false, timeout: timeoutMs, stdin: 'ignore' });
}

export function spawnCli(args: string[], env: Record<string, string>): ResultPromise {
  return execa('node', [AIDP_BIN, ...args], { env: cleanEnv(env), extendEnv: false, reject: false, stdin: 'ignore', buffer: true });
}

/**
 * Spawns `aidp worker` and resolves once it polls. Wrapped in an object: awaiting an execa
 * process itself would wait for it to exit. `started`, when given, gets the process at once, so a
 * test that starts several together can kill every one it started even if another failed to start.
 */
export async function startWorkerProcess(env: Record<string, string>, started?: ResultPromise[]): Promise<{ process: ResultPromise }> {
  const worker = spawnCli(['worker'], env);
  started?.push(worker);
  await waitForOutput(worker, /worker on/);
  return { process: worker };
}

/** Resolves when `pattern` appears in the process's stderr or stdout. */
export function waitForOutput(child: ResultPromise, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output so far:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      if (!pattern.test(seen)) reject(new Error(`process exited before ${pattern}; output:\n${seen}`));
    });
  });
}
