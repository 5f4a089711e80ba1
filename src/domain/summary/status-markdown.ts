import type { OrchestrationStatus } from '../feature-status.js';

const bar = (percent: number, width = 20): string => {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return `\`${'█'.repeat(filled)}${'░'.repeat(width - filled)}\` ${percent}%`;
};

const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').slice(0, 200);

/** The units table shared by the status comment and `/aidp status`. */
export function statusMarkdown(status: OrchestrationStatus, links: { uiUrl?: string; prUrl?: string } = {}): string {
  const lines = [
    `**${cell(status.title)}**: ${status.status.replace('_', ' ')} ${bar(status.progress_percent)}`,
    '',
    `${status.completed}/${status.total_units} done · ${status.in_progress} running · ${status.failed} failed · ${status.pending} pending · concurrency ${status.concurrency}`,
    '',
    '| unit | status | iterations | note |',
    '|---|---|---|---|',
    ...status.unit_details.map((u) => `| ${cell(u.title)} | ${u.status} | ${u.iterations} | ${cell(u.error ?? '')} |`),
  ];
  const unsandboxed = status.unit_details.filter((u) => u.unsandboxed).length;
  if (unsandboxed > 0) {
    lines.push(
      '',
      `> [!WARNING]\n> ${unsandboxed} unit(s) ran their agents **without a sandbox** (\`AIDP_SANDBOX=off\` on the worker): they could read everything the worker can.`,
    );
  }
  const footer = [links.prUrl ? `[pull request](${links.prUrl})` : '', links.uiUrl ? `[Temporal Web UI](${links.uiUrl})` : ''].filter(Boolean);
  if (footer.length > 0) lines.push('', footer.join(' · '));
  return lines.join('\n');
}
