/** The status view as Markdown: the status comment, `/aidp status`, the PR body's units table. Pure: workflows import it. */
import type { OrchestrationStatus } from '../feature-status.js';
import type { MergeStatus, UnitAggregate } from './aggregate.js';
import { duration, escapeInline } from './markdown.js';
import { statusText, statusView, type StatusLinks, type StatusView, type UnitRow } from './status-view.js';

const MERGE_WORDS: Record<MergeStatus, string> = {
  merged: 'merged',
  conflict: 'conflict',
  reverted: 'reverted',
  skipped: 'skipped',
  not_merged: 'not merged',
};

/** How a merge outcome reads: `merged (conflict resolved)`, `not merged`. */
export function mergeWords(unit: Pick<UnitAggregate, 'mergeStatus' | 'resolved'>): string {
  return unit.resolved ? 'merged (conflict resolved)' : MERGE_WORDS[unit.mergeStatus];
}

/** `**Title** (id)`, or `**id**` when the title is empty or the id itself. */
export function unitName(unit: Pick<UnitRow, 'id' | 'title'> | undefined, id: string): string {
  const title = unit && unit.title.trim() !== '' ? unit.title : id;
  return title === id ? `**${escapeInline(id)}**` : `**${escapeInline(title)}** (${escapeInline(id)})`;
}

const bar = (percent: number, width = 20): string => {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return `\`${'█'.repeat(filled)}${'░'.repeat(width - filled)}\` ${percent}%`;
};

interface Column<T> {
  head: string;
  /** `---`, or `---:` for figures. */
  rule: string;
  cell: (unit: T) => string;
}

const NAME: Column<UnitRow> = { head: 'Unit', rule: '---', cell: (u) => unitName(u, u.id) };
const STATUS: Column<UnitRow> = { head: 'Status', rule: '---', cell: (u) => escapeInline(statusText(u)) };
const ITERATIONS: Column<UnitRow> = { head: 'Iterations', rule: '---:', cell: (u) => String(u.iterations) };
const CHECKS: Column<UnitRow> = { head: 'Checks', rule: '---', cell: (u) => escapeInline(u.checks) };
const NOTE: Column<UnitRow> = { head: 'Note', rule: '---', cell: (u) => escapeInline(u.note ?? '') };
const UNIT_COLUMNS = [NAME, STATUS, ITERATIONS, CHECKS, NOTE];

/** The PR body's: merge outcome, files and agent time too. */
const MERGE_COLUMNS: Array<Column<UnitAggregate>> = [
  NAME,
  STATUS,
  { head: 'Merge', rule: '---', cell: mergeWords },
  ITERATIONS,
  CHECKS,
  { head: 'Files', rule: '---:', cell: (u) => String(u.filesChanged) },
  { head: 'Agent time', rule: '---:', cell: (u) => duration(u.agentSeconds) },
  NOTE,
];

function table<T>(units: T[], columns: Array<Column<T>>): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(columns.map((c) => c.head)), `|${columns.map((c) => c.rule).join('|')}|`, ...units.map((u) => line(columns.map((c) => c.cell(u))))].join('\n');
}

/** One row per unit: the status comment's and `/aidp status`'s table. */
export function unitTableMarkdown(units: UnitRow[]): string {
  return table(units, UNIT_COLUMNS);
}

/** The PR body's units table: every unit's row with its merge outcome, files and agent time. */
export function mergedUnitTableMarkdown(units: UnitAggregate[]): string {
  return table(units, MERGE_COLUMNS);
}

/** The warning for units whose agents ran without a sandbox; empty when there are none. */
export function unsandboxedWarningMarkdown(count: number): string[] {
  if (count === 0) return [];
  return [
    `> [!WARNING]\n> ${count} unit(s) ran their agents **without a sandbox** (\`AIDP_SANDBOX=off\` on the worker): they could read everything the worker can.`,
  ];
}

/** Title, state and progress bar, the figures, the units table, the sandbox warning, links. */
export function markdownStatus(view: StatusView): string {
  const parts = [
    `**${escapeInline(view.title)}**: ${view.state} ${bar(view.percent)}`,
    view.figures.join(' · '),
    unitTableMarkdown(view.units),
    ...unsandboxedWarningMarkdown(view.unsandboxed),
  ];
  if (view.links.length > 0) parts.push(view.links.map((l) => `[${l.label}](${l.url})`).join(' · '));
  return parts.join('\n\n');
}

/** The status comment and the `/aidp status` reply. */
export function statusMarkdown(status: OrchestrationStatus, links: StatusLinks = {}): string {
  return markdownStatus(statusView(status, links));
}
