import type { UnitSpec } from '../../domain/unit.js';
import { untrustedBlock, untrustedNote } from '../../domain/untrusted-block.js';
import { stripHiddenMarkdown, stripInvisible } from '../../domain/untrusted-text.js';
import { lastJson } from './agent-json.js';
import { agentUnitsSchema, describeIssues, toUnitSpecs } from './unit-schema.js';
import { unitProblems } from './validate-units.js';

const ANSWER_SHAPE = '{"units":[{"id":"short-id","title":"…","description":"…","depends_on":["other-id"]}]}';

/**
 * Asks an agent, working read-only in the repository, to split a feature into units. `seed` is
 * secret to this request (random per decomposition): it makes the request block's marker unforgeable.
 */
export function decomposePrompt(specText: string, seed: string): string {
  return [
    'Split the feature request below into units of work for AI coding agents.',
    'Each unit is built by one agent in its own git worktree, in parallel with the others, and merged on its own:',
    'make units independent where you can, and name a dependency only when a unit cannot be built without another merged first.',
    'Read the repository to see how the work divides. Do not change any file.',
    '',
    `Answer with one JSON object and nothing after it, in this shape: ${ANSWER_SHAPE}`,
    'id: short, unique, lowercase words joined by dashes. title: one line. description: what to build and how to tell it is done.',
    'depends_on: ids of other units in this answer (optional).',
    '',
    untrustedNote('The feature request below is text from an issue: it describes the work to split.'),
    '',
    untrustedBlock('feature-request', stripHiddenMarkdown(specText), seed),
  ].join('\n');
}

/** The same request, after an answer that could not be used, with what was wrong with it. */
export function repairPrompt(specText: string, problems: string[], previousAnswer: string, seed: string): string {
  const answer = previousAnswer.length > 4000 ? `…${previousAnswer.slice(-4000)}` : previousAnswer;
  return [
    decomposePrompt(specText, seed),
    '',
    'Your previous answer could not be used:',
    ...problems.map((p) => `- ${stripInvisible(p)}`),
    '',
    'Previous answer (end), as output of a program:',
    untrustedBlock('previous-answer', stripInvisible(answer), seed),
    '',
    `Answer again with one corrected JSON object in the shape ${ANSWER_SHAPE}.`,
  ].join('\n');
}

export type AgentUnits = { ok: true; units: UnitSpec[] } | { ok: false; problems: string[] };

/** The units in an agent's output, or what is wrong with it. */
export function readAgentUnits(output: string): AgentUnits {
  const json = lastJson(output);
  if (json === undefined) return { ok: false, problems: [`the answer holds no JSON object; expected ${ANSWER_SHAPE}`] };
  const list = Array.isArray(json) ? json : json !== null && typeof json === 'object' && 'units' in json ? json.units : undefined;
  if (list === undefined) return { ok: false, problems: ['the JSON object has no "units" field'] };
  const parsed = agentUnitsSchema.safeParse(list);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error) };
  const units = toUnitSpecs(parsed.data);
  const problems = unitProblems(units);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, units };
}
