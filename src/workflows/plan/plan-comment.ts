import type { UnitSpec } from '../../domain/unit.js';

/** The plan as Markdown: a readable list, and the `aidp-units` block a build will use (editable). */
export function renderPlan(units: UnitSpec[]): string {
  const yaml = units
    .map((u) =>
      [
        `- id: ${JSON.stringify(u.id)}`,
        `  title: ${JSON.stringify(u.title)}`,
        u.description ? `  description: ${JSON.stringify(u.description)}` : '',
        u.dependsOn.length ? `  depends_on: ${JSON.stringify(u.dependsOn)}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n');
  return [
    `### aidp plan: ${units.length} unit(s)`,
    '',
    ...units.map((u) => `- **${u.title.replace(/\*/g, '')}**${u.dependsOn.length ? ` (after ${u.dependsOn.join(', ')})` : ''}`),
    '',
    'Edit the block below to change the plan; `aidp-build` builds exactly these units.',
    '',
    '```aidp-units',
    yaml,
    '```',
  ].join('\n');
}

export function renderNeedsInput(reason: string): string {
  return [
    '### aidp needs more to go on',
    '',
    `aidp could not split this issue into units: ${reason.split('\n')[0]}`,
    '',
    'Add a task list to the issue (`- [ ] one unit per line`), or an `aidp-units` block, then comment `/aidp plan` again.',
  ].join('\n');
}
