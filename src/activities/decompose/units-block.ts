import { ApplicationFailure } from '@temporalio/common';
import { parse } from 'yaml';
import type { Code, Nodes } from 'mdast';
import type { UnitSpec } from '../../domain/unit.js';
import { markdownTree, outermost } from './markdown-tree.js';
import { describeIssues, toUnitSpecs, userUnitsSchema } from './unit-schema.js';
import { SPEC_INVALID } from '../../domain/failure-types.js';

const INFO = 'aidp-units';

const isUnitsBlock = (node: Nodes): node is Code => node.type === 'code' && node.lang === INFO;

function invalid(problem: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`the ${INFO} block is invalid: ${problem}`, SPEC_INVALID);
}

/**
 * Units from a fenced `aidp-units` block of YAML: a list of `{ id, title, description?, depends_on? }`
 * (or `units:` holding that list). Undefined when there is no such block; SpecInvalid naming
 * each bad field when there is one and it is wrong.
 */
export function parseUnitsBlock(markdown: string): UnitSpec[] | undefined {
  const blocks = outermost(markdownTree(markdown), isUnitsBlock);
  if (blocks.length === 0) return undefined;
  if (blocks.length > 1) throw invalid(`the spec has ${blocks.length} ${INFO} blocks; keep one`);
  const block = blocks[0];
  if (!block) return undefined;

  let data: unknown;
  try {
    data = parse(block.value);
  } catch (err) {
    throw invalid(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (data !== null && typeof data === 'object' && !Array.isArray(data) && 'units' in data) data = data.units;
  const parsed = userUnitsSchema.safeParse(data ?? []);
  if (!parsed.success) throw invalid(describeIssues(parsed.error).join('; '));
  return toUnitSpecs(parsed.data);
}
