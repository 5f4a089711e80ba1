import { readdirSync, readFileSync } from 'node:fs';

/**
 * Whether a process or process group still runs. A zombie (dead, not yet reaped by its parent)
 * counts as gone: in containers whose PID 1 never reaps, a killed grandchild stays a zombie
 * forever, and `kill(pid, 0)` alone would call it alive.
 */
export function processIsRunning(pid: number): boolean {
  if (!signalReaches(pid)) return false;
  const stat = readStat(pid);
  return stat === undefined || stat.state !== 'Z';
}

export function processGroupIsRunning(pgid: number): boolean {
  if (!signalReaches(-pgid)) return false;
  const stats = allStats();
  if (stats === undefined) return true; // no /proc (macOS): trust the signal
  return stats.some((s) => s.pgrp === pgid && s.state !== 'Z');
}

/** Sends `signal` to every process in the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

function signalReaches(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When the process started, in clock ticks since boot (Linux); tells a reused pid from the original. */
export function processStartTicks(pid: number): string | undefined {
  return readStat(pid)?.startTicks;
}

interface ProcStat {
  state: string;
  pgrp: number;
  startTicks: string;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw err;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]), startTicks: fields[19] ?? '' };
}

function allStats(): ProcStat[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return entries
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is ProcStat => s !== undefined);
}
