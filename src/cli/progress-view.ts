import type { FeatureResult } from '../workflows/feature-orchestration/messages.js';
import type { OrchestrationStatus } from '../domain/feature-status.js';
import { aggregateResults } from '../domain/summary/aggregate.js';
import { notMergedLines, statusLines } from '../domain/summary/status-lines.js';

/** Redraws in place on a terminal; prints only changes of the headline otherwise (logs, CI). */
export class ProgressView {
  private lastFrame = '';
  private lastLineCount = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  show(status: OrchestrationStatus): void {
    const lines = statusLines(status);
    const frame = lines.join('\n');
    if (frame === this.lastFrame) return;
    this.lastFrame = frame;
    if (this.out.isTTY) {
      if (this.lastLineCount > 0) this.out.write(`\x1b[${this.lastLineCount}F\x1b[0J`);
      this.out.write(`${frame}\n`);
      this.lastLineCount = lines.length;
    } else {
      this.out.write(`${lines[0]}\n`);
    }
  }
}

/** After a run: the feature branch, what merged, what did not and why, and where the summary is. */
export function renderMergeOutcome(result: FeatureResult, repoPath: string): string[] {
  const merge = result.merge;
  if (!merge) return result.carried.merged.length > 0 ? [`feature branch: ${result.featureBranch}`] : [];
  const lines = [
    `feature branch: ${result.featureBranch} in ${repoPath} (${merge.merged.length} of ${result.total_units} units merged: ${merge.status.replace('_', ' ')})`,
    ...notMergedLines(aggregateResults({ units: result.units, merge }).units),
  ];
  if (merge.pr) lines.push(`pull request: ${merge.pr.url}`);
  if (merge.summaryPath) lines.push(`summary: ${merge.summaryPath}`);
  return lines;
}
