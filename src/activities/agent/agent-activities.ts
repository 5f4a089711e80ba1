import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { AgentProvider } from '../../config/repo-config.js';
import type { NetworkPolicy } from '../../sandbox/network.js';
import { buildAgentEnv } from './agent-env.js';
import { tailOf } from './output-tail.js';
import { runAgentWithFallback, type AgentRunResult } from './run-agent.js';

export type { AgentAttempt, AgentRunResult } from './run-agent.js';

/** Agent output kept in results: they land in workflow history. */
export const AGENT_OUTPUT_TAIL_BYTES = 8_000;

export interface AgentActivityDeps {
  /** Prompts go to `<workDir>/prompts`, running process groups are recorded in `<workDir>/agents`. */
  workDir: string;
  secretEnvNames: string[];
  secretValues: string[];
  /** The environment agents start from; the worker's own by default. */
  baseEnv?: NodeJS.ProcessEnv;
}

export interface ExecuteAgentInput {
  worktreePath: string;
  prompt: string;
  providers: AgentProvider[];
  timeoutMs: number;
  unitId: string;
  iteration: number;
  /** File-name-safe key of this run. */
  promptKey: string;
  /** What the agent's sandbox may reach. */
  network?: NetworkPolicy;
}

export interface AskAgentInput {
  prompt: string;
  /** Where the agent runs; empty: a scratch directory under the work dir. */
  cwd: string;
  providers: AgentProvider[];
  timeoutMs: number;
  /** What the agent's sandbox may reach. */
  network?: NetworkPolicy;
}

export function createAgentActivities(deps: AgentActivityDeps) {
  const promptDir = join(deps.workDir, 'prompts');
  const registry = { dir: join(deps.workDir, 'agents') };
  const envWith = (extra: Record<string, string>) =>
    buildAgentEnv({ base: deps.baseEnv ?? process.env, secretEnvNames: deps.secretEnvNames, secretValues: deps.secretValues, extra });

  /** Runs the agents with this activity's heartbeat and cancellation; a cancel is rethrown once the group is dead. */
  async function runInActivity(input: Omit<Parameters<typeof runAgentWithFallback>[0], 'signal' | 'onHeartbeat' | 'registry'>) {
    const context = Context.current();
    const result = await runAgentWithFallback({
      ...input,
      registry,
      signal: context.cancellationSignal,
      onHeartbeat: () => context.heartbeat(),
    });
    if (result.cancelled) {
      const reason: unknown = context.cancellationSignal.reason;
      throw reason instanceof CancelledFailure ? reason : new CancelledFailure(`agent "${result.provider}" was cancelled`);
    }
    return result;
  }

  return {
    /** One agent iteration in a unit's worktree, with fallback across providers. */
    async executeAgent(input: ExecuteAgentInput): Promise<AgentRunResult> {
      const result = await runInActivity({
        providers: input.providers,
        prompt: input.prompt,
        cwd: input.worktreePath,
        timeoutMs: input.timeoutMs,
        promptDir,
        promptKey: input.promptKey,
        outputTailBytes: AGENT_OUTPUT_TAIL_BYTES,
        env: envWith({
          AIDP_UNIT_ID: input.unitId,
          AIDP_ITERATION: String(input.iteration),
          AIDP_WORKTREE: input.worktreePath,
        }),
      });
      return { ...result, stdout: tailOf(result.stdout, AGENT_OUTPUT_TAIL_BYTES) };
    },

    /** The stdout of the first provider that succeeds; a non-retryable `AgentFailed` when none does. */
    async askAgentForText(input: AskAgentInput): Promise<string> {
      // No checkout to run in (a review reads its diff, a split reads its spec): an empty scratch dir.
      const cwd = input.cwd || join(deps.workDir, 'scratch');
      await mkdir(cwd, { recursive: true });
      const result = await runInActivity({
        providers: input.providers,
        prompt: input.prompt,
        cwd,
        timeoutMs: input.timeoutMs,
        promptDir,
        promptKey: `ask-${randomUUID()}`,
        outputTailBytes: AGENT_OUTPUT_TAIL_BYTES,
        env: envWith({}),
      });
      if (!result.ok) {
        throw ApplicationFailure.nonRetryable(`${result.reason ?? 'the agent failed'}\nOutput (tail):\n${tailOf(result.outputTail, 2000)}`, 'AgentFailed');
      }
      return result.stdout;
    },
  };
}
