import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { AgentProvider } from '../../config/repo-config.js';
import type { NetworkPolicy } from '../../domain/network-policy.js';
import { providerEnvNames } from '../../sandbox/provider-env.js';
import type { SandboxSettings } from '../../sandbox/settings.js';
import { openUntrustedRun } from '../../sandbox/untrusted-run.js';
import { tailOf } from './output-tail.js';
import { runAgentWithFallback, type AgentRunResult } from './run-agent.js';
import { AGENT_FAILED } from '../../domain/failure-types.js';

export type { AgentAttempt, AgentRunResult } from './run-agent.js';

/** Agent output kept in results: they land in workflow history. */
export const AGENT_OUTPUT_TAIL_BYTES = 8_000;

export interface AgentActivityDeps {
  /** Sandboxes get scratch dirs in `<workDir>/sandboxes`, running process groups are recorded in `<workDir>/agents`. */
  workDir: string;
  secretEnvNames: string[];
  secretValues: string[];
  /** The environment agents start from; the worker's own by default. */
  baseEnv?: NodeJS.ProcessEnv;
  sandbox: SandboxSettings;
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
  /** What the sandbox may reach; none by default. */
  network?: NetworkPolicy;
}

export interface AskAgentInput {
  prompt: string;
  /** Where the agent runs; empty: a scratch directory under the work dir. */
  cwd: string;
  providers: AgentProvider[];
  timeoutMs: number;
  /** What the sandbox may reach; none by default. */
  network?: NetworkPolicy;
}

export function createAgentActivities(deps: AgentActivityDeps) {
  const registry = { dir: join(deps.workDir, 'agents') };

  /** Runs the agents in a sandbox with this activity's heartbeat and cancellation; a cancel is rethrown once the group is dead. */
  async function runInActivity(input: {
    providers: AgentProvider[];
    prompt: string;
    cwd: string;
    timeoutMs: number;
    promptKey: string;
    runVars: Record<string, string>;
    network?: NetworkPolicy;
    /** The agent only answers in text: its working directory is mounted read-only. */
    readOnly?: boolean;
  }): Promise<AgentRunResult> {
    const context = Context.current();
    const sandbox = await openUntrustedRun(deps.sandbox, {
      kind: 'agent',
      worktree: input.cwd,
      readOnly: input.readOnly,
      key: input.promptKey,
      base: deps.baseEnv ?? process.env,
      secretEnvNames: deps.secretEnvNames,
      secretValues: deps.secretValues,
      runVars: input.runVars,
      providerNames: providerEnvNames(input.providers, deps.sandbox.providerEnv),
      network: input.network,
      onDroppedPath: (d) => context.log.warn(`sandbox: ${d.path} is not mounted: ${d.reason}`),
    });
    let result: AgentRunResult;
    try {
      result = await runAgentWithFallback({
        providers: input.providers,
        prompt: input.prompt,
        cwd: input.cwd,
        timeoutMs: input.timeoutMs,
        sandbox,
        promptKey: input.promptKey,
        outputTailBytes: AGENT_OUTPUT_TAIL_BYTES,
        registry,
        signal: context.cancellationSignal,
        onHeartbeat: () => context.heartbeat(),
      });
    } finally {
      await sandbox.close();
    }
    if (result.cancelled) {
      const reason: unknown = context.cancellationSignal.reason;
      throw reason instanceof CancelledFailure ? reason : new CancelledFailure(`agent "${result.provider}" was cancelled`);
    }
    if (!result.sandboxed) context.log.warn('AIDP_SANDBOX=off: this agent ran unsandboxed and could read everything the worker can');
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
        promptKey: input.promptKey,
        runVars: {
          AIDP_UNIT_ID: input.unitId,
          AIDP_ITERATION: String(input.iteration),
          AIDP_WORKTREE: input.worktreePath,
        },
        network: input.network,
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
        promptKey: `ask-${randomUUID()}`,
        runVars: {},
        // It may read the checkout (the user's own, in `aidp run`), never change it.
        readOnly: true,
        network: input.network,
      });
      if (!result.ok) {
        throw ApplicationFailure.nonRetryable(`${result.reason ?? 'the agent failed'}\nOutput (tail):\n${tailOf(result.outputTail, 2000)}`, AGENT_FAILED);
      }
      return result.stdout;
    },
  };
}
