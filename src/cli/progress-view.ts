import type { FeatureResult } from '../workflows/feature-orchestration/messages.js';
import type { OrchestrationStatus, UnitStatus } from '../domain/feature-status.js';

const MARK: Record<UnitStatus, string> = {
  pending: '·',
  running: '▶',
  completed: '✔',
  failed: '✖',
  cancelled: '⊘',
};

export function progressBar(percent: number, width = 30): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** The status as lines: a summary with a bar, then one line per unit. */
export function renderStatus(status: OrchestrationStatus): string[] {
  const head =
    `${status.title}: ${status.status}  ${progressBar(status.progress_percent)} ` +
    `${status.completed}/${status.total_units} done, ${status.in_progress} running, ` +
    `${status.failed} failed, ${status.pending} pending (concurrency ${status.concurrency})`;
  const units = status.unit_details.map((u) => {
    const iteration = u.status === 'running' && u.currentIteration ? ` (iteration ${u.currentIteration}${u.step ? `, ${u.step}` : ''})` : '';
    const error = u.error ? ` — ${u.error.split('\n')[0]?.slice(0, 160)}` : '';
    return `  ${MARK[u.status]} ${u.id.slice(0, 40).padEnd(24)} ${u.status}${iteration}${error}`;
  });
  return [head, ...units];
}

/** Redraws in place on a terminal; prints only changes otherwise (logs, CI). */
export class ProgressView {
  private lastFrame = '';
  private lastLineCount = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  show(status: OrchestrationStatus): void {
    const lines = renderStatus(status);
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
  ];
  for (const c of merge.conflicts) lines.push(`  conflict: ${c.unitId} (${c.files.join(', ')})${c.with ? ` with ${c.with}` : ''}`);
  for (const r of merge.reverted) lines.push(`  reverted: ${r.unitId} (check "${r.check}" failed after the merge)`);
  for (const s of merge.skipped) lines.push(`  not merged: ${s.unitId}: ${s.reason}`);
  if (merge.pr) lines.push(`pull request: ${merge.pr.url}`);
  if (merge.summaryPath) lines.push(`summary: ${merge.summaryPath}`);
  return lines;
}
