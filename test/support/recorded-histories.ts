import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

/** The recorded histories every later workflow change must replay: never re-recorded, only added to. */
export const HISTORIES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'histories');
const manifestIn = (dir: string): string => join(dir, 'manifest.json');

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

export function readManifest(dir = HISTORIES_DIR): ManifestEntry[] {
  return existsSync(manifestIn(dir)) ? (JSON.parse(readFileSync(manifestIn(dir), 'utf8')) as ManifestEntry[]) : [];
}

export function decodeHistory(file: string, dir = HISTORIES_DIR): History {
  return temporal.api.history.v1.History.decode(readFileSync(join(dir, file)));
}

const kindOf = (file: string): string => file.replace(/-\d+\.binpb$/, '');

/** Whether histories of this kind are in the manifest already. */
export function isRecorded(kind: string, dir = HISTORIES_DIR): boolean {
  return readManifest(dir).some((entry) => kindOf(entry.file) === kind);
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
export function recordHistories(
  kind: string,
  scenario: string,
  histories: Array<{ workflowId: string; history: History }>,
  dir = HISTORIES_DIR,
): ManifestEntry[] {
  if (!/^[a-z][a-z0-9-]*[a-z]$/.test(kind)) throw new Error(`history kind "${kind}": lowercase words joined by "-", no trailing number`);
  if (isRecorded(kind, dir)) throw new Error(`histories of kind "${kind}" are recorded already; recorded histories are never re-recorded: use a new kind`);
  if (histories.length === 0) throw new Error(`no histories to record for "${kind}"`);
  mkdirSync(dir, { recursive: true });
  const added = histories.map(({ workflowId, history }, i) => {
    const file = `${kind}-${i}.binpb`;
    if (existsSync(join(dir, file))) throw new Error(`${file} exists but is not in the manifest: remove it or choose a new kind`);
    return { file, workflowId, scenario, bytes: temporal.api.history.v1.History.encode(history).finish() };
  });
  for (const { file, bytes } of added) writeFileSync(join(dir, file), bytes);
  const entries = added.map(({ file, workflowId }) => ({ file, workflowId, scenario }));
  writeFileSync(manifestIn(dir), `${JSON.stringify([...readManifest(dir), ...entries], null, 2)}\n`);
  return entries;
}
