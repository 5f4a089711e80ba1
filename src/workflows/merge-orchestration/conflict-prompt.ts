import { untrustedBlock, untrustedNote } from '../../domain/untrusted-block.js';
import { stripHiddenMarkdown, stripInvisible } from '../../domain/untrusted-text.js';
import type { UnitState } from '../../domain/feature-status.js';

/**
 * The resolver agent's task: both units' intent and the conflicting hunks. Unit texts (from an
 * issue or an agent) and hunks (agent-written code) are untrusted, each in a block marked from
 * `seed`, the workflow's run id. File names stay one per line (`- path`), flattened.
 */
export function conflictPrompt(parts: { unit: UnitState; other?: UnitState; files: string[]; hunks: string; seed: string }): string {
  const task = (u: UnitState) => {
    const title = stripHiddenMarkdown(u.spec.title).replace(/\s+/g, ' ').trim();
    return untrustedBlock('unit-description', `Title: ${title}\n\n${stripHiddenMarkdown(u.spec.description).trim() || title}`, parts.seed);
  };
  return [
    '# Resolve a merge conflict',
    'Two units of one feature changed the same lines. Edit the conflicting files so that both changes',
    'work together, and remove every conflict marker (<<<<<<<, |||||||, =======, >>>>>>>). Do not commit.',
    untrustedNote('The units\' descriptions and the hunks below tell you what each side meant.'),
    `## The unit being merged\n${task(parts.unit)}`,
    parts.other ? `## The unit already merged that touched the same files\n${task(parts.other)}` : '',
    `## Conflicting files\n${parts.files.map((f) => `- ${stripInvisible(f).replace(/\s+/g, ' ')}`).join('\n')}`,
    `## Conflicting hunks\n${untrustedBlock('conflict-hunks', stripInvisible(parts.hunks), parts.seed)}`,
  ]
    .filter((s) => s !== '')
    .join('\n\n');
}
