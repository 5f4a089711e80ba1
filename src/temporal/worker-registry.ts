import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processIsRunning } from '../activities/agent/process-liveness.js';
import type { QueueKind } from '../domain/task-queues.js';

interface WorkerEntry {
  pid: number;
  queues: QueueKind[];
  startedAt: string;
}

function registryDir(workDir: string): string {
  return join(workDir, 'workers');
}

/**
 * Records that this process serves these queues for this work dir, so `aidp run` and
 * `aidp exec` know whether to bring a worker of their own. Returns the function that unregisters.
 */
export function registerWorker(workDir: string, queues: readonly QueueKind[]): () => void {
  mkdirSync(registryDir(workDir), { recursive: true });
  const file = join(registryDir(workDir), `${process.pid}.json`);
  const entry: WorkerEntry = { pid: process.pid, queues: [...queues], startedAt: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(entry));
  return () => rmSync(file, { force: true });
}

/** Queues served by live worker processes of this work dir (stale entries are removed). */
export function servedQueues(workDir: string): Set<QueueKind> {
  const served = new Set<QueueKind>();
  let files: string[];
  try {
    files = readdirSync(registryDir(workDir));
  } catch {
    return served; // no registry yet: nobody serves this work dir
  }
  for (const name of files) {
    const file = join(registryDir(workDir), name);
    try {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as WorkerEntry;
      if (entry.pid !== process.pid && processIsRunning(entry.pid)) entry.queues.forEach((q) => served.add(q));
      else if (!processIsRunning(entry.pid)) rmSync(file, { force: true });
    } catch {
      rmSync(file, { force: true }); // half-written by a process that died
    }
  }
  return served;
}
