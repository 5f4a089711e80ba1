import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { OutputTail } from './output-tail.js';
import { processGroupIsRunning, signalGroup } from './process-liveness.js';
import { registerProcessGroup, unregisterProcessGroup, type RegistryLocation } from './process-registry.js';

export { reapOrphanedProcessGroups } from './process-registry.js';

/** Time a process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

export interface RunInProcessGroupOptions {
  /** Program and arguments: never given to a shell. */
  argv: string[];
  cwd: string;
  /** The whole environment of the process (the parent's is not merged in). */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  onHeartbeat?: () => void;
  heartbeatMs?: number;
  /** Bytes of interleaved stdout and stderr kept in `outputTail`. */
  outputTailBytes?: number;
  /** Bytes of stdout kept (the last ones). */
  stdoutMaxBytes?: number;
  stdin?: string;
  /** Records the group in `<dir>/<key>.json` while it runs, for reapOrphanedProcessGroups. */
  registry?: RegistryLocation;
}

export interface ProcessRunResult {
  /** null when the process was killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  outputTail: string;
  stdout: string;
  durationMs: number;
  /** Set when the program could not be started at all (not found, not executable). */
  spawnError?: string;
}

/**
 * Runs argv as the leader of a new process group. On timeout or abort the whole group gets
 * SIGTERM, then SIGKILL after KILL_GRACE_MS; when the leader exits on its own, whatever it left
 * running in its group is ended the same way. The promise settles only once the group is gone.
 */
export async function runInProcessGroup(options: RunInProcessGroupOptions): Promise<ProcessRunResult> {
  const [file, ...args] = options.argv;
  if (file === undefined) throw new TypeError('runInProcessGroup needs a program to run');
  const startedAt = Date.now();
  const tail = new OutputTail(options.outputTailBytes ?? 16_000);
  const stdout = new OutputTail(options.stdoutMaxBytes ?? 1_000_000);
  const result = (rest: Partial<ProcessRunResult>): ProcessRunResult => ({
    exitCode: null,
    signal: null,
    timedOut: false,
    cancelled: false,
    outputTail: tail.text(),
    stdout: stdout.text(),
    durationMs: Date.now() - startedAt,
    ...rest,
  });
  if (options.signal?.aborted) return result({ cancelled: true });

  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    detached: true, // setsid(): the child leads a process group we can signal as a whole
    cleanup: false,
    reject: false,
    buffer: false,
    stripFinalNewline: false,
    ...(options.stdin === undefined ? { stdin: 'ignore' as const } : { input: options.stdin }),
  });
  const pid = child.pid;
  if (pid === undefined) {
    const failed = await child;
    return result({ spawnError: failed.shortMessage ?? failed.message });
  }

  child.stdout?.on('data', (chunk: Buffer) => {
    tail.push(chunk);
    stdout.push(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('exit', (code, signal) => resolve([code, signal]));
  });
  let registryFile: string | undefined;
  try {
    registryFile = options.registry ? registerProcessGroup(options.registry, pid) : undefined;
  } catch (err) {
    await terminateProcessGroup(pid); // nothing may run unrecorded
    throw err;
  }

  let stopReason: 'timeout' | 'cancel' | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (why: 'timeout' | 'cancel'): void => {
    if (stopReason) return;
    stopReason = why;
    stopping = terminateProcessGroup(pid);
  };
  const onAbort = (): void => stop('cancel');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => stop('timeout'), Math.min(options.timeoutMs, 2 ** 31 - 1));
  const heartbeat = options.onHeartbeat ? setInterval(options.onHeartbeat, options.heartbeatMs ?? 1000) : undefined;
  options.onHeartbeat?.();
  try {
    const [exitCode, signal] = await exited;
    // The leader is gone; anything still in its group is a descendant it left behind.
    await (stopping ?? terminateProcessGroup(pid));
    await streamsClosed([child.stdout, child.stderr], 1000);
    await child;
    return result({ exitCode, signal, timedOut: stopReason === 'timeout', cancelled: stopReason === 'cancel' });
  } finally {
    clearTimeout(timer);
    if (heartbeat) clearInterval(heartbeat);
    options.signal?.removeEventListener('abort', onAbort);
    if (registryFile) unregisterProcessGroup(registryFile);
  }
}

/** SIGTERM to the group, SIGKILL after `graceMs` if any member still runs; resolves when none does. */
export async function terminateProcessGroup(pgid: number, graceMs = KILL_GRACE_MS): Promise<void> {
  if (!processGroupIsRunning(pgid) || !signalGroup(pgid, 'SIGTERM')) return;
  if (await groupEnds(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await groupEnds(pgid, graceMs);
}

async function groupEnds(pgid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (!processGroupIsRunning(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Output pipes close once every process holding them is gone. A descendant that escaped the
 * group (its own setsid) could hold them open forever, so they are cut after `withinMs`.
 */
async function streamsClosed(streams: Array<Readable | null>, withinMs: number): Promise<void> {
  const open = streams.filter((s): s is Readable => s !== null && !s.closed && !s.destroyed);
  const closing = Promise.all(open.map((s) => new Promise((resolve) => s.once('close', resolve))));
  let timer: NodeJS.Timeout | undefined;
  const cutoff = new Promise((resolve) => (timer = setTimeout(resolve, withinMs)));
  await Promise.race([closing, cutoff]);
  clearTimeout(timer);
  for (const s of open) if (!s.closed) s.destroy();
}
