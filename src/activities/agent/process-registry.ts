import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { processGroupIsRunning, processStartTicks, signalGroup } from './process-liveness.js';
import { currentBootId, ownerIsAlive, ownerStamp, type OwnerStamp } from './process-owner.js';

/**
 * One file per running process group, `<dir>/<key>.json`, so a worker that starts after another
 * was SIGKILLed can find and kill what the dead one left running in its worktrees.
 */
export interface RegistryEntry extends OwnerStamp {
  pgid: number;
  startedAt: string;
  /** The group leader's start time: a pid reused by an unrelated process never matches it. */
  leaderStartTicks?: string;
}

export interface RegistryLocation {
  dir: string;
  key: string;
}

export function registerProcessGroup(location: RegistryLocation, pgid: number): string {
  const file = registryFile(location);
  mkdirSync(location.dir, { recursive: true });
  const entry: RegistryEntry = {
    ...ownerStamp(),
    pgid,
    startedAt: new Date().toISOString(),
    leaderStartTicks: processStartTicks(pgid),
  };
  // Written whole, then renamed: a reader never sees half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(entry));
  renameSync(`${file}.tmp`, file);
  return file;
}

export function unregisterProcessGroup(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Kills (SIGKILL) the process group of every entry whose owner is no longer alive and deletes
 * the entry. Entries of live owners are left alone. Returns how many groups were killed.
 */
export async function reapOrphanedProcessGroups(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  let killed = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const file = join(dir, name);
    const entry = readEntry(file);
    if (entry && ownerIsAlive(entry)) continue;
    if (entry && isSameGroup(entry) && signalGroup(entry.pgid, 'SIGKILL')) {
      killed++;
      await waitUntilGone(entry.pgid, 2000);
    }
    rmSync(file, { force: true });
  }
  return killed;
}

function isSameGroup(entry: RegistryEntry): boolean {
  const bootId = currentBootId();
  if (entry.bootId && bootId && entry.bootId !== bootId) return false;
  if (!processGroupIsRunning(entry.pgid)) return false;
  // The leader may have exited while its children live on; if it still runs, it must be the same process.
  const ticks = processStartTicks(entry.pgid);
  return ticks === undefined || entry.leaderStartTicks === undefined || ticks === entry.leaderStartTicks;
}

function readEntry(file: string): RegistryEntry | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<RegistryEntry>;
    if (Number.isInteger(entry.pgid) && entry.pgid! > 1 && Number.isInteger(entry.ownerPid)) return entry as RegistryEntry;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  return undefined; // unreadable: nothing to kill, the file is removed
}

function registryFile(location: RegistryLocation): string {
  const file = resolve(location.dir, `${location.key}.json`);
  const rel = relative(resolve(location.dir), file);
  if (rel.startsWith('..') || rel.includes('/') || rel.includes('\\')) {
    throw new Error(`registry key ${JSON.stringify(location.key)} leaves the registry directory`);
  }
  return file;
}

async function waitUntilGone(pgid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (processGroupIsRunning(pgid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
  }
}
