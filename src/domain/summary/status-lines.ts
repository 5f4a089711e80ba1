/** The status view as terminal lines (`aidp run`, `aidp status`): plain text, no control characters. Pure. */
import type { OrchestrationStatus, UnitStatus } from '../feature-status.js';
import type { UnitAggregate } from './aggregate.js';
import { oneLine } from './markdown.js';
import { statusText, statusView, type StatusLinks, type StatusView, type UnitRow } from './status-view.js';

const MARK: Record<UnitStatus, string> = {
  pending: '·',
  running: '▶',
  completed: '✔',
  failed: '✖',
  cancelled: '⊘',
};

/** Unit ids are cut to this many characters, and padded to ID_WIDTH so the statuses line up. */
const MAX_ID_CHARS = 40;
const ID_WIDTH = 24;

function progressBar(percent: number, width = 30): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** `  ✖ part-two                 failed · 1 iteration(s) · test ✗ — the agent gave up` */
export function unitLine(u: UnitRow): string {
  const facts = [statusText(u), ...(u.iterations > 0 ? [`${u.iterations} iteration(s)`] : []), ...(u.checks === '-' ? [] : [u.checks])];
  const note = u.note ? ` — ${oneLine(u.note)}` : '';
  return `  ${MARK[u.status]} ${oneLine(u.id).slice(0, MAX_ID_CHARS).padEnd(ID_WIDTH)} ${oneLine(facts.join(' · '))}${note}`;
}

/** A headline with a bar, one line per unit, the sandbox warning, links. */
export function terminalStatus(view: StatusView): string[] {
  const lines = [
    oneLine(`${view.title}: ${view.state}  ${progressBar(view.percent)} ${view.figures.join(' · ')}`),
    ...view.units.map(unitLine),
  ];
  if (view.unsandboxed > 0) {
    lines.push(`warning: ${view.unsandboxed} unit(s) ran their agents without a sandbox (AIDP_SANDBOX=off on the worker): they could read everything the worker can`);
  }
  for (const link of view.links) lines.push(`${link.label}: ${link.url}`);
  return lines;
}

/** The status as terminal lines: the first is the headline. */
export function statusLines(status: OrchestrationStatus, links: StatusLinks = {}): string[] {
  return terminalStatus(statusView(status, links));
}

/**
 * `  not merged: b: merge conflict with "a" in 1 file(s): x.ts, not resolved`: each completed unit
 * that is not in the feature branch (a unit that did not complete says why in its own line).
 */
export function notMergedLines(units: UnitAggregate[]): string[] {
  return units
    .filter((u) => u.status === 'completed' && u.mergeStatus !== 'merged')
    .map((u) => `  not merged: ${oneLine(u.id)}: ${oneLine(u.reason ?? 'not merged')}`);
}
