import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import {
  AIDP_ISSUE,
  AIDP_KIND,
  AIDP_REPOSITORY,
  AIDP_REQUESTER,
  repositoryKey,
  type RunKind,
} from '../domain/search-attributes.js';

/** The states `aidp status --status` filters on, and Temporal's name for each. */
export const RUN_STATUSES = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  'timed-out': 'TimedOut',
} as const;
export type RunStatus = keyof typeof RUN_STATUSES;

/** Listed unless `--kind` asks for another: what a person started, not the parts each is made of. */
export const LISTED_KINDS: readonly RunKind[] = ['build', 'plan', 'review', 'ci-fix', 'change-request', 'feature', 'exec'];

export interface RunFilter {
  /** `owner/name`, or a local repository's directory name. */
  repository?: string;
  status?: RunStatus;
  kind?: RunKind;
}

export interface RunRow {
  workflowId: string;
  runId: string;
  workflowType: string;
  kind?: string;
  repository?: string;
  issue?: number;
  requester?: string;
  status: string;
  startTime: Date;
  closeTime?: Date;
  /** The run's static summary: the feature, unit or issue title. */
  title?: string;
}

const quoted = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** The visibility query for a filter; runs that continued as new are left out (their last run is listed). */
export function runListQuery(filter: RunFilter): string {
  const clauses = [filter.kind ? `${AIDP_KIND.name} = ${quoted(filter.kind)}` : `${AIDP_KIND.name} IN (${LISTED_KINDS.map(quoted).join(', ')})`];
  if (filter.repository) clauses.push(`${AIDP_REPOSITORY.name} = ${quoted(repositoryKey(filter.repository))}`);
  clauses.push(filter.status ? `ExecutionStatus = ${quoted(RUN_STATUSES[filter.status])}` : `ExecutionStatus != "ContinuedAsNew"`);
  return clauses.join(' AND ');
}

function statusWord(info: WorkflowExecutionInfo): string {
  return info.status.name === 'TIMED_OUT' ? 'timed-out' : info.status.name.toLowerCase().replace(/_/g, '-');
}

function rowOf(info: WorkflowExecutionInfo): RunRow {
  const attrs = info.typedSearchAttributes;
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    workflowType: info.type,
    kind: attrs.get(AIDP_KIND),
    repository: attrs.get(AIDP_REPOSITORY),
    issue: attrs.get(AIDP_ISSUE),
    requester: attrs.get(AIDP_REQUESTER),
    status: statusWord(info),
    startTime: info.startTime,
    closeTime: info.closeTime,
  };
}

/**
 * The summary is not in the list's answer: one describe per run (decoded by the client's codec).
 * A run that continued as new has none of its own (the SDK's continueAsNew sets no summary):
 * its chain's first run has it.
 */
async function titleOf(client: Client, row: RunRow): Promise<string | undefined> {
  try {
    const description = await client.workflow.getHandle(row.workflowId, row.runId).describe();
    const summary = await description.staticSummary();
    const firstRunId = description.raw.workflowExecutionInfo?.firstRunId;
    if (summary !== undefined || !firstRunId || firstRunId === row.runId) return summary;
    return await (await client.workflow.getHandle(row.workflowId, firstRunId).describe()).staticSummary();
  } catch (err) {
    // Gone between the list and the describe (retention): listed without a title.
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** aidp's runs matching the filter, newest first, at most `limit`. */
export async function listRuns(client: Client, filter: RunFilter, limit: number): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for await (const info of client.workflow.list({ query: runListQuery(filter), pageSize: Math.min(limit, 100) })) {
    rows.push(rowOf(info));
    if (rows.length >= limit) break;
  }
  rows.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  const titles = await Promise.all(rows.map((row) => titleOf(client, row)));
  return rows.map((row, i) => ({ ...row, title: titles[i] }));
}
