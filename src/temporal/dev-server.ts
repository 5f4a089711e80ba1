import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { processIsRunning } from '../activities/agent/process-liveness.js';
import { cliSearchAttributeTypes } from '../domain/search-attributes.js';
import { findTemporalCli } from './find-cli.js';
import { temporalAnswers, waitForTemporal } from './server-health.js';

export interface EmbeddedServerOptions {
  workDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /**
   * More namespaces the server creates as it starts, each with aidp's search attributes, in its
   * database before it answers: no registration and no wait for the namespace cache (tests: one per
   * test file).
   */
  extraNamespaces?: string[];
  /** Defaults to findTemporalCli(); undefined there means the SDK's own download. */
  cliPath?: string;
  startTimeoutMs?: number;
  ip?: string;
  /** `--ui-codec-endpoint`: the Web UI decodes payloads through it (aidp's /codec). */
  uiCodecEndpoint?: string;
  /** Server dynamic config, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 200 }` (tests). */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export interface EmbeddedServer {
  address: string;
  uiUrl: string;
  namespace: string;
  /** The Web UI's codec endpoint, when it was started with one. */
  uiCodecEndpoint?: string;
  /** The server's process id, when it runs as the Temporal CLI (not the SDK's download). */
  pid?: number;
  /** True when another aidp on this work dir had already started it. */
  reused: boolean;
  /** Where the server's own log goes. */
  logFile: string;
  /** Stops the server if this process started it; a reused server is left running. */
  stop(): Promise<void>;
}

interface ServerState {
  pid: number;
  address: string;
  uiUrl: string;
  namespace: string;
  uiCodecEndpoint?: string;
}

function stateDir(workDir: string): string {
  return join(workDir, 'temporal');
}

function stateFile(workDir: string): string {
  return join(stateDir(workDir), 'server.json');
}

function readState(workDir: string): ServerState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(workDir), 'utf8')) as ServerState;
  } catch {
    // No state file, or one from an interrupted start: treated as no running server.
    return undefined;
  }
}

async function portIsFree(port: number, ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, ip, () => probe.close(() => resolve(true)));
  });
}

async function stopProcessGroup(child: ChildProcess, pid: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // exited between the check and the kill
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** An embedded server this work dir already runs, if it still answers. */
async function findRunningServer(workDir: string, logFile: string): Promise<EmbeddedServer | undefined> {
  const state = readState(workDir);
  if (!state || !processIsRunning(state.pid)) return undefined;
  if (!(await temporalAnswers(state.address))) return undefined;
  return { ...state, reused: true, logFile, stop: async () => undefined };
}

async function startWithSdkDownload(opts: EmbeddedServerOptions, logFile: string): Promise<EmbeddedServer> {
  // Last resort, for users with internet: the SDK downloads and runs the same dev server.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const ip = opts.ip ?? '127.0.0.1';
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip,
      port: opts.port,
      ui: true,
      uiPort: opts.uiPort,
      namespace: opts.namespace,
      dbFilename: join(stateDir(opts.workDir), 'temporal.db'),
      extraArgs: [...extraNamespaceArgs(opts), ...uiCodecArgs(opts), ...searchAttributeArgs(), ...dynamicConfigArgs(opts)],
    },
  });
  return {
    address: `${ip}:${opts.port}`,
    uiUrl: `http://${ip}:${opts.uiPort}`,
    namespace: opts.namespace,
    uiCodecEndpoint: opts.uiCodecEndpoint,
    reused: false,
    logFile,
    stop: () => env.teardown(),
  };
}

function extraNamespaceArgs(opts: EmbeddedServerOptions): string[] {
  return (opts.extraNamespaces ?? []).flatMap((namespace) => ['--namespace', namespace]);
}

function uiCodecArgs(opts: EmbeddedServerOptions): string[] {
  return opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : [];
}

/**
 * Eager activity dispatch: an activity a workflow task schedules on the workflow's own queue (a
 * unit's prepare) comes back with the task's completion to the worker that ran it, instead of
 * waiting in the queue for a poll. Off by default in the server; a self-hosted server sets the
 * same `system.enableActivityEagerExecution` in its dynamic config.
 */
const DYNAMIC_CONFIG_DEFAULTS = { 'system.enableActivityEagerExecution': true };

function dynamicConfigArgs(opts: EmbeddedServerOptions): string[] {
  return Object.entries({ ...DYNAMIC_CONFIG_DEFAULTS, ...opts.dynamicConfig }).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}

/** aidp's search attributes, registered on every namespace the server creates as it starts (idempotent). */
function searchAttributeArgs(): string[] {
  return cliSearchAttributeTypes().flatMap(({ name, type }) => ['--search-attribute', `${name}=${type}`]);
}

/**
 * Starts `temporal server start-dev` with its SQLite file under the work dir, or reuses the one
 * another aidp on the same work dir started. The server runs in its own process group, so a
 * Ctrl-C reaches aidp first and workers drain before the server stops.
 */
export async function startEmbeddedServer(opts: EmbeddedServerOptions): Promise<EmbeddedServer> {
  mkdirSync(stateDir(opts.workDir), { recursive: true });
  const logFile = join(stateDir(opts.workDir), 'server.log');
  const running = await findRunningServer(opts.workDir, logFile);
  if (running) return running;

  const ip = opts.ip ?? '127.0.0.1';
  for (const [name, port] of [
    ['AIDP_TEMPORAL_PORT', opts.port],
    ['AIDP_TEMPORAL_UI_PORT', opts.uiPort],
  ] as const) {
    if (!(await portIsFree(port, ip))) {
      throw new Error(
        `port ${port} (${name}) is already in use by another program; set ${name} to a free port`,
      );
    }
  }

  const cliPath = opts.cliPath ?? findTemporalCli()?.path;
  if (!cliPath) return startWithSdkDownload(opts, logFile);

  const address = `${ip}:${opts.port}`;
  const uiUrl = `http://${ip}:${opts.uiPort}`;
  const logFd = openSync(logFile, 'a');
  const child = spawn(
    cliPath,
    [
      'server',
      'start-dev',
      '--db-filename',
      join(stateDir(opts.workDir), 'temporal.db'),
      // Write-ahead log, synced at checkpoints rather than at every commit: a killed server (or
      // aidp) loses nothing, only an OS crash or power loss can drop the last moments. Without
      // it every history event waits for an fsync, and runs on slow disks mostly wait on I/O.
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--sqlite-pragma',
      'synchronous=NORMAL',
      '--ip',
      ip,
      '--port',
      String(opts.port),
      '--ui-port',
      String(opts.uiPort),
      '--namespace',
      opts.namespace,
      ...extraNamespaceArgs(opts),
      '--log-level',
      'warn',
      ...uiCodecArgs(opts),
      ...searchAttributeArgs(),
      ...dynamicConfigArgs(opts),
    ],
    { detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${cliPath}`);
  let exitReason: string | undefined;
  child.once('exit', (code, signal) => {
    exitReason = `the Temporal dev server exited (${signal ?? `code ${code}`}) while starting; see ${logFile}`;
  });
  child.once('error', (err) => {
    exitReason = `could not run ${cliPath}: ${err.message}`;
  });

  try {
    await waitForTemporal(address, { timeoutMs: opts.startTimeoutMs ?? 60_000, stillStarting: () => exitReason, namespace: opts.namespace });
  } catch (err) {
    await stopProcessGroup(child, pid);
    throw err;
  }
  const state: ServerState = { pid, address, uiUrl, namespace: opts.namespace, uiCodecEndpoint: opts.uiCodecEndpoint };
  writeFileSync(stateFile(opts.workDir), JSON.stringify(state, null, 2));
  return {
    ...state,
    reused: false,
    logFile,
    stop: async () => {
      await stopProcessGroup(child, pid);
      rmSync(stateFile(opts.workDir), { force: true });
    },
  };
}
