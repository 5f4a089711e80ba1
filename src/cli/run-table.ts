import type { RunRow } from '../temporal/run-list.js';

const HEADER = ['ID', 'KIND', 'REPOSITORY', 'ISSUE/PR', 'STATUS', 'STARTED', 'TITLE'] as const;

/** `2026-12-01 16:40Z`: minutes are enough to tell runs apart, and UTC reads the same everywhere. */
function started(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

function cells(row: RunRow): string[] {
  return [
    row.workflowId,
    row.kind ?? '-',
    row.repository ?? '-',
    row.issue === undefined ? '-' : `#${row.issue}`,
    row.status,
    started(row.startTime),
    row.title ?? '',
  ];
}

/** Aligned columns, the title last and unpadded. */
export function renderRunTable(rows: RunRow[]): string[] {
  const table = [[...HEADER], ...rows.map(cells)];
  const widths = HEADER.map((_, col) => Math.max(...table.map((line) => (line[col] ?? '').length)));
  return table.map((line) => line.map((cell, col) => (col === line.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  ').trimEnd());
}

/** One object per run, for `--json`. */
export function runJson(row: RunRow, uiUrl: string | undefined) {
  return {
    workflowId: row.workflowId,
    runId: row.runId,
    workflowType: row.workflowType,
    kind: row.kind ?? null,
    repository: row.repository ?? null,
    issue: row.issue ?? null,
    requester: row.requester ?? null,
    status: row.status,
    startTime: row.startTime.toISOString(),
    closeTime: row.closeTime?.toISOString() ?? null,
    title: row.title ?? null,
    uiUrl: uiUrl ?? null,
  };
}
