/**
 * A feature's status as every output shows it (the status comment, `/aidp status`, the PR body's
 * units table, the CLI): the figures and one row per unit, as text the formatters escape for their
 * medium (status-markdown.ts, status-lines.ts). Pure: workflows import it.
 */
import type { CheckOutcome, OrchestrationStatus, UnitDetail, UnitStatus } from '../feature-status.js';

/** A unit title or note longer than this is cut (the text comes from issues and agents). */
export const MAX_CELL_CHARS = 200;

/** One unit. Text is as given (untrusted, possibly multi-line in `id`): escape it to show it. */
export interface UnitRow {
  id: string;
  /** Capped at MAX_CELL_CHARS. */
  title: string;
  status: UnitStatus;
  /** While it runs: `iteration 2, checks`. */
  progress?: string;
  iterations: number;
  /** `test ✓ · lint ✗ (optional)` for its last iteration; `-` when no check ran. */
  checks: string;
  /** The first line of its error, capped at MAX_CELL_CHARS. */
  note?: string;
  unsandboxed: boolean;
}

export interface StatusLink {
  label: string;
  url: string;
}

export interface StatusView {
  /** Capped at MAX_CELL_CHARS. */
  title: string;
  /** `running`, `insufficient merges`. */
  state: string;
  percent: number;
  /** `2/5 done`, `1 running`, …, `concurrency 4`. */
  figures: string[];
  units: UnitRow[];
  /** How many units ran their agents without a sandbox. */
  unsandboxed: number;
  links: StatusLink[];
}

export interface StatusLinks {
  prUrl?: string;
  uiUrl?: string;
}

function checksText(checks: CheckOutcome[] | undefined): string {
  if (!checks || checks.length === 0) return '-';
  return checks
    .map((c) => `${c.name} ${c.timedOut ? '⏱' : c.passed ? '✓' : '✗'}${c.required || c.passed ? '' : ' (optional)'}`)
    .join(' · ');
}

function firstLine(text: string | undefined): string | undefined {
  const line = text
    ?.split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line?.slice(0, MAX_CELL_CHARS);
}

export function unitRow(u: UnitDetail): UnitRow {
  const progress = u.status === 'running' && u.currentIteration ? `iteration ${u.currentIteration}${u.step ? `, ${u.step}` : ''}` : undefined;
  const note = firstLine(u.error);
  return {
    id: u.id,
    title: u.title.slice(0, MAX_CELL_CHARS),
    status: u.status,
    ...(progress ? { progress } : {}),
    iterations: u.iterations,
    checks: checksText(u.checks),
    ...(note ? { note } : {}),
    unsandboxed: u.unsandboxed === true,
  };
}

/** `running (iteration 2, checks)`, or the status alone. */
export function statusText(row: UnitRow): string {
  return row.progress ? `${row.status} (${row.progress})` : row.status;
}

export function statusView(status: OrchestrationStatus, links: StatusLinks = {}): StatusView {
  const units = status.unit_details.map(unitRow);
  return {
    title: status.title.slice(0, MAX_CELL_CHARS),
    state: status.status.replace(/_/g, ' '),
    percent: status.progress_percent,
    figures: [
      `${status.completed}/${status.total_units} done`,
      `${status.in_progress} running`,
      `${status.failed} failed`,
      `${status.pending} pending`,
      ...(status.cancelled > 0 ? [`${status.cancelled} cancelled`] : []),
      `concurrency ${status.concurrency}`,
    ],
    units,
    unsandboxed: units.filter((u) => u.unsandboxed).length,
    links: [
      ...(links.prUrl ? [{ label: 'pull request', url: links.prUrl }] : []),
      ...(links.uiUrl ? [{ label: 'Temporal Web UI', url: links.uiUrl }] : []),
    ],
  };
}
