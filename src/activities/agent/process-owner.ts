import { existsSync, readFileSync } from 'node:fs';
import { processIsRunning, processStartTicks } from './process-liveness.js';

/**
 * Which process wrote a record, precisely enough to tell later whether that process still runs:
 * a new process that got a dead owner's pid, or a reboot, never passes for the owner.
 */
export interface OwnerStamp {
  ownerPid: number;
  /** The owner's start time in clock ticks since boot (Linux). */
  ownerStartTicks?: string;
  /** Linux boot id: after a reboot every recorded pid is meaningless. */
  bootId?: string;
}

/** The stamp of this process. */
export function ownerStamp(): OwnerStamp {
  return { ownerPid: process.pid, ownerStartTicks: processStartTicks(process.pid), bootId: currentBootId() };
}

export function ownerIsAlive(stamp: OwnerStamp): boolean {
  const bootId = currentBootId();
  if (stamp.bootId && bootId && stamp.bootId !== bootId) return false;
  if (!processIsRunning(stamp.ownerPid)) return false;
  const ticks = processStartTicks(stamp.ownerPid);
  return ticks === undefined || stamp.ownerStartTicks === undefined || ticks === stamp.ownerStartTicks;
}

export function currentBootId(): string | undefined {
  const path = '/proc/sys/kernel/random/boot_id';
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}
