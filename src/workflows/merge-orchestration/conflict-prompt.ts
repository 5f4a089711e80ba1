import type { UnitState } from '../feature-orchestration/messages.js';

/** The resolver agent's task: both units' intent and the conflicting hunks. */
export function conflictPrompt(parts: { unit: UnitState; other?: UnitState; files: string[]; hunks: string }): string {
  const task = (u: UnitState) => `### ${u.spec.title}\n${u.spec.description || u.spec.title}`;
  return [
    '# Resolve a merge conflict',
    'Two units of one feature changed the same lines. Edit the conflicting files so that both changes',
    'work together, and remove every conflict marker (<<<<<<<, |||||||, =======, >>>>>>>). Do not commit.',
    `## The unit being merged\n${task(parts.unit)}`,
    parts.other ? `## The unit already merged that touched the same files\n${task(parts.other)}` : '',
    `## Conflicting files\n${parts.files.map((f) => `- ${f}`).join('\n')}`,
    `## Conflicting hunks\n\`\`\`\n${parts.hunks}\n\`\`\``,
  ]
    .filter((s) => s !== '')
    .join('\n\n');
}
