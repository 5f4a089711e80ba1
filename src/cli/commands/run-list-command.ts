import type { Client } from '@temporalio/client';
import type { RunKind } from '../../domain/search-attributes.js';
import { workflowUiUrl, type TemporalEndpoint } from '../../temporal/engine.js';
import { listRuns, type RunStatus } from '../../temporal/run-list.js';
import { InputError } from '../../domain/input-error.js';
import { renderRunTable, runJson } from '../run-table.js';

export const DEFAULT_RUN_LIMIT = 20;

export interface RunListOptions {
  repo?: string;
  status?: RunStatus;
  kind?: RunKind;
  limit?: number;
  json?: boolean;
}

/** `owner/name` on GitHub, or a local repository's directory name. */
const REPOSITORY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)?$/;

export function hasListFilters(opts: RunListOptions): boolean {
  return opts.repo !== undefined || opts.status !== undefined || opts.kind !== undefined || opts.limit !== undefined;
}

/** `aidp status` without an id: the runs, newest first, as a table or JSON. */
export async function printRunList(client: Client, endpoint: TemporalEndpoint, opts: RunListOptions): Promise<void> {
  if (opts.repo !== undefined && !REPOSITORY.test(opts.repo)) {
    throw new InputError(`--repo must be owner/name or a local repository's directory name (got "${opts.repo}")`);
  }
  const rows = await listRuns(client, { repository: opts.repo, status: opts.status, kind: opts.kind }, opts.limit ?? DEFAULT_RUN_LIMIT);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(rows.map((row) => runJson(row, workflowUiUrl(endpoint, row.workflowId))))}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('no aidp runs match\n');
    return;
  }
  process.stdout.write(`${renderRunTable(rows).join('\n')}\n`);
}
