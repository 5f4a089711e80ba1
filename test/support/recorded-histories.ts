import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

/** The recorded histories every later workflow change must replay: never re-recorded, only added to. */
export const HISTORIES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'histories');
const MANIFEST = join(HISTORIES_DIR, 'manifest.json');

export interface ManifestEntry {
  /** `<kind>-<n>.binpb` in HISTORIES_DIR. */
  file: string;
  /** Replay needs each history's own workflow id: child ids are derived from it. */
  workflowId: string;
  /** What was run to record it. */
  scenario?: string;
}

/** Set to 1 to record the scenarios not recorded yet (test/replay*.test.ts). */
export const RECORDING = process.env.AIDP_RECORD_HISTORIES === '1';

export function readManifest(): ManifestEntry[] {
  return existsSync(MANIFEST) ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as ManifestEntry[]) : [];
}

export function decodeHistory(file: string): History {
  return temporal.api.history.v1.History.decode(readFileSync(join(HISTORIES_DIR, file)));
}

const kindOf = (file: string): string => file.replace(/-\d+\.binpb$/, '');

/** Whether histories of this kind are in the manifest already. */
export function isRecorded(kind: string): boolean {
  return readManifest().some((entry) => kindOf(entry.file) === kind);
}

/**
 * Every execution of a run, in start order: the workflow from the first run of its
 * continue-as-new chain, its later runs and all its children, recursively, each with its own
 * workflow id. Without a run id, the chain of the latest run.
 */
export async function historiesOf(client: Client, workflowId: string, runId?: string): Promise<Array<{ workflowId: string; history: History }>> {
  let history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  for (;;) {
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (runId !== undefined || !previous) break;
    history = await client.workflow.getHandle(workflowId, previous).fetchHistory();
  }
  const all = [{ workflowId, history }];
  for (const event of history.events ?? []) {
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    if (child?.workflowId) all.push(...(await historiesOf(client, child.workflowId, child.runId ?? undefined)));
    const next = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (next) all.push(...(await historiesOf(client, workflowId, next)));
  }
  return all;
}

/**
 * Writes `<kind>-<n>.binpb` for each history and adds their entries to the manifest, leaving
 * every other file and entry as it was. A kind is recorded once: recording it again is refused.
 */
export function recordHistories(kind: string, scenario: string, histories: Array<{ workflowId: string; history: History }>): ManifestEntry[] {
  if (!/^[a-z][a-z0-9-]*[a-z]$/.test(kind)) throw new Error(`history kind "${kind}": lowercase words joined by "-", no trailing number`);
  if (isRecorded(kind)) throw new Error(`histories of kind "${kind}" are recorded already; recorded histories are never re-recorded: use a new kind`);
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const added = histories.map(({ workflowId, history }, i) => {
    const file = `${kind}-${i}.binpb`;
    writeFileSync(join(HISTORIES_DIR, file), temporal.api.history.v1.History.encode(history).finish());
    return { file, workflowId, scenario };
  });
  writeFileSync(MANIFEST, `${JSON.stringify([...readManifest(), ...added], null, 2)}\n`);
  return added;
}
