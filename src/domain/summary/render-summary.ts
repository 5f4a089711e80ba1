/** The feature PR's body (or, without GitHub, the summary file). Pure: workflows import it. */
import type { FeatureAggregate, UnitAggregate } from './aggregate.js';
import { duration, escapeInline, fencedBlock, inlineCode, percent, tail } from './markdown.js';
import { mergedUnitTableMarkdown, mergeWords, unitName, unsandboxedWarningMarkdown } from './status-markdown.js';

export interface FeatureSummaryInput {
  title: string;
  aggregate: FeatureAggregate;
  featureBranch: string;
  uiUrl?: string;
  closesIssue?: number;
  thresholdMet: boolean;
  /** Share of units that must merge, 0..1. */
  threshold: number;
}

/** Failing check output shown per reverted unit, from its end. */
const OUTPUT_TAIL_CHARS = 2000;
const MAX_FILES_LISTED = 20;

function headline(input: FeatureSummaryInput): string {
  const t = input.aggregate.totals;
  const outcomes = [
    `${t.completed} completed`,
    t.failed > 0 ? `${t.failed} failed` : '',
    t.conflicts > 0 ? `${t.conflicts} unresolved conflict(s)` : '',
    t.reverted > 0 ? `${t.reverted} reverted` : '',
    t.skipped > 0 ? `${t.skipped} skipped` : '',
  ].filter((s) => s !== '');
  return (
    `**${t.merged} of ${t.units} units merged** into ${inlineCode(input.featureBranch)} (${percent(t.mergedRatio)}). ` +
    `${outcomes.join(', ')}. Agent time ${duration(t.agentSeconds)}.`
  );
}

function thresholdWarning(input: FeatureSummaryInput): string[] {
  const t = input.aggregate.totals;
  const lines = [
    `> [!WARNING]`,
    `> **Not enough units merged (${t.merged} of ${t.units}, threshold ${percent(input.threshold)}).**`,
    `> What did not merge, and why:`,
  ];
  for (const unit of input.aggregate.units.filter((u) => u.mergeStatus !== 'merged')) {
    lines.push(`> - ${unitName(unit, unit.id)}: ${escapeInline(unit.reason ?? mergeWords(unit))}`);
  }
  return [lines.join('\n')];
}

function conflictSection(input: FeatureSummaryInput, byId: Map<string, UnitAggregate>): string[] {
  const { conflicts } = input.aggregate;
  if (conflicts.length === 0) return [];
  const items = conflicts.map((c) => {
    const files = c.files.slice(0, MAX_FILES_LISTED).map(inlineCode).join(', ');
    const more = c.files.length > MAX_FILES_LISTED ? ` and ${c.files.length - MAX_FILES_LISTED} more` : '';
    const other = c.with !== undefined ? ` with ${unitName(byId.get(c.with), c.with)}` : '';
    return `- ${unitName(byId.get(c.unitId), c.unitId)} conflicted${other} in ${files || 'unknown files'}${more}; not merged.`;
  });
  return ['### Unresolved conflicts', items.join('\n')];
}

function revertSection(input: FeatureSummaryInput, byId: Map<string, UnitAggregate>): string[] {
  const { reverted } = input.aggregate;
  if (reverted.length === 0) return [];
  const parts = ['### Reverted: checks failed after the merge'];
  for (const r of reverted) {
    parts.push(`${unitName(byId.get(r.unitId), r.unitId)}: check ${inlineCode(r.check)} failed, so the merge was rolled back.`);
    parts.push(fencedBlock(tail(r.outputTail.trim() || '(no output)', OUTPUT_TAIL_CHARS)));
  }
  return parts;
}

/** Markdown: headline, threshold warning, units table, sandbox warning, conflicts, reverts, links, `Closes #N`. */
export function renderFeatureSummary(input: FeatureSummaryInput): string {
  const byId = new Map(input.aggregate.units.map((u) => [u.id, u]));
  const sections = [
    `## ${escapeInline(input.title) || 'Feature'}`,
    headline(input),
    ...(input.thresholdMet ? [] : thresholdWarning(input)),
    mergedUnitTableMarkdown(input.aggregate.units),
    ...unsandboxedWarningMarkdown(input.aggregate.units.filter((u) => u.unsandboxed).length),
    ...conflictSection(input, byId),
    ...revertSection(input, byId),
  ];
  if (input.uiUrl) sections.push(`[Open this run in the Temporal UI](<${input.uiUrl.replace(/[<>\s]/g, encodeURIComponent)}>)`);
  if (input.closesIssue !== undefined && Number.isInteger(input.closesIssue) && input.closesIssue > 0) {
    sections.push(`Closes #${input.closesIssue}`);
  }
  return `${sections.join('\n\n')}\n`;
}
