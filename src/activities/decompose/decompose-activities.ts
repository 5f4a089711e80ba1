import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { AgentProvider } from '../../config/repo-config.js';
import type { NetworkPolicy } from '../../domain/network-policy.js';
import type { UnitSpec } from '../../domain/unit.js';
import type { AskAgentInput } from '../agent/agent-activities.js';
import { decomposePrompt, readAgentUnits, repairPrompt } from './agent-units.js';
import { sanitizeUserText } from '../../domain/sanitize.js';
import { parseTaskList } from './task-list.js';
import { parseUnitsBlock } from './units-block.js';
import { validateUnits } from './validate-units.js';
import { DECOMPOSE_FAILED } from '../../domain/failure-types.js';

export type { AskAgentInput };

/** Runs an agent once on a prompt (`cwd`: the repository, for it to read) and answers with its stdout. */
export type AskAgent = (input: AskAgentInput) => Promise<string>;

export interface DecomposeInput {
  specText: string;
  repoDir: string;
  providers: AgentProvider[];
  timeoutMs: number;
  /** What the splitting agent's sandbox may reach. */
  network?: NetworkPolicy;
}

export function createDecomposeActivities(deps: { askAgent: AskAgent }) {
  /** Two answers at most: the first, and one repair with what was wrong. */
  async function askForUnits(spec: string, input: DecomposeInput): Promise<UnitSpec[]> {
    const ask = (prompt: string) =>
      deps.askAgent({ prompt, cwd: input.repoDir, providers: input.providers, timeoutMs: input.timeoutMs, network: input.network });
    const seed = randomUUID();
    const first = await ask(decomposePrompt(spec, seed));
    const read = readAgentUnits(first);
    if (read.ok) return read.units;
    const second = readAgentUnits(await ask(repairPrompt(spec, read.problems, first, seed)));
    if (second.ok) return second.units;
    throw ApplicationFailure.nonRetryable(
      `the agent gave no usable unit list in 2 attempts; last answer: ${second.problems.join('; ')}`,
      DECOMPOSE_FAILED,
    );
  }

  /**
   * A feature spec into units: an `aidp-units` block wins, then a task list; otherwise an agent
   * proposes them. SpecInvalid when the spec's own units are wrong, DecomposeFailed when the agent's are.
   */
  async function decomposeFeature(input: DecomposeInput): Promise<UnitSpec[]> {
    const spec = sanitizeUserText(input.specText);
    const written = parseUnitsBlock(spec) ?? parseTaskList(spec);
    if (!written) return askForUnits(spec, input);
    validateUnits(written);
    return written;
  }

  return { decomposeFeature };
}
