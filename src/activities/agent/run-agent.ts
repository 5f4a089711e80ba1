import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ApplicationFailure } from '@temporalio/common';
import type { AgentProvider } from '../../config/repo-config.js';
import { sandboxExecFailure, type UntrustedRun } from '../../sandbox/untrusted-run.js';
import { runInProcessGroup, type ProcessRunResult } from './process-group.js';
import { buildAgentInvocation, providerName } from './presets.js';
import { AGENT_CONFIG_INVALID } from '../../domain/failure-types.js';

const RATE_LIMITED = /rate.?limit|\b429\b|quota exceeded|overloaded/i;
/** A successful exit counts as rate limited only when the output is this short (a bare error line). */
const SHORT_OUTPUT_CHARS = 400;

export interface RunAgentInput {
  providers: AgentProvider[];
  prompt: string;
  cwd: string;
  timeoutMs: number;
  /** The run's sandbox (or its unsandboxed stand-in): where the prompt goes, how each attempt starts. */
  sandbox: UntrustedRun;
  /** File-name-safe key of this run; names the registry entries. */
  promptKey: string;
  signal?: AbortSignal;
  onHeartbeat?: () => void;
  registry?: { dir: string };
  outputTailBytes?: number;
}

export interface AgentAttempt {
  provider: string;
  exitCode: number | null;
  timedOut: boolean;
  rateLimited: boolean;
  durationMs: number;
}

export interface AgentRunResult {
  ok: boolean;
  /** The provider of the last attempt: the one that succeeded, or the last one tried. */
  provider: string;
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  rateLimited: boolean;
  outputTail: string;
  stdout: string;
  /** All attempts together. */
  durationMs: number;
  attempts: AgentAttempt[];
  /** Why it is not ok, as a sentence naming each attempt. */
  reason?: string;
  /** Whether the attempts ran in a sandbox (false only with AIDP_SANDBOX=off). */
  sandboxed: boolean;
  /**
   * Set when no attempt could start because its program is not installed on this worker: an
   * environment failure, never the agent's, that another iteration cannot fix.
   */
  missingCli?: true;
}

/**
 * Runs the providers in order until one succeeds: the next is tried when one exits non-zero,
 * times out, cannot start, or prints what looks like a rate limit. A cancel stops at once.
 */
export async function runAgentWithFallback(input: RunAgentInput): Promise<AgentRunResult> {
  if (input.providers.length === 0) throw ApplicationFailure.nonRetryable('no agent providers are configured', AGENT_CONFIG_INVALID);
  const { sandbox } = input;
  // Built before anything runs, so a bad command line fails the run instead of one attempt.
  const invocations = input.providers.map((p) => buildAgentInvocation(p, sandbox.promptFile, input.prompt));
  sandbox.writePrompt(input.prompt);
  const attempts: AgentAttempt[] = [];
  const reasons: string[] = [];
  let last: { name: string; run: ProcessRunResult; rateLimited: boolean } | undefined;
  const runs: ProcessRunResult[] = [];
  for (const [i, provider] of input.providers.entries()) {
    const name = providerName(provider);
    // Each attempt in a fresh sandbox of its own.
    const command = sandbox.command(invocations[i]!.argv);
    const run = await runInProcessGroup({
      argv: command.argv,
      stdin: invocations[i]!.stdin,
      cwd: input.cwd,
      env: command.env,
      timeoutMs: input.timeoutMs,
      signal: input.signal,
      onHeartbeat: input.onHeartbeat,
      outputTailBytes: input.outputTailBytes,
      // Unique per attempt: an entry left by an earlier, orphaned attempt is never overwritten.
      registry: input.registry && { dir: input.registry.dir, key: `${input.promptKey}-${randomUUID()}` },
    });
    const rateLimited = looksRateLimited(run);
    attempts.push({ provider: name, exitCode: run.exitCode, timedOut: run.timedOut, rateLimited, durationMs: run.durationMs });
    last = { name, run, rateLimited };
    runs.push(run);
    if (run.cancelled) {
      reasons.push(`agent "${name}" was cancelled`);
      break;
    }
    if (run.exitCode === 0 && !rateLimited) break;
    reasons.push(describeFailure(name, invocations[i]!.argv[0]!, run, rateLimited, input.timeoutMs));
  }
  const { name, run, rateLimited } = last!;
  const ok = !run.cancelled && run.exitCode === 0 && !rateLimited;
  const missingCli = !ok && runs.length > 0 && runs.every(isNotInstalled);
  return {
    ok,
    provider: name,
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    cancelled: run.cancelled,
    rateLimited,
    outputTail: run.outputTail,
    stdout: run.stdout,
    durationMs: attempts.reduce((sum, a) => sum + a.durationMs, 0),
    attempts,
    ...(ok ? {} : { reason: reasons.join('; then ') }),
    sandboxed: sandbox.sandboxed,
    ...(missingCli ? { missingCli: true as const } : {}),
  };
}

/**
 * A failed run whose output mentions a rate limit is rate limited. A run that exited 0 is only
 * when its whole output is a short line like that: an agent that just built rate limiting
 * says "rate limit" in its summary and has succeeded.
 */
function looksRateLimited(run: ProcessRunResult): boolean {
  if (run.cancelled || !RATE_LIMITED.test(run.outputTail)) return false;
  return run.exitCode !== 0 || run.outputTail.trim().length <= SHORT_OUTPUT_CHARS;
}

/**
 * The program was not found: unsandboxed, execa's `spawn <program> ENOENT` (a missing cwd is
 * ENOENT too, and is not this); in the sandbox, bwrap's or the network forwarder's exec failure.
 */
function isNotInstalled(run: ProcessRunResult): boolean {
  if (run.spawnError !== undefined) return /^spawn .+ ENOENT$/m.test(run.spawnError) && !/"cwd" option is invalid/.test(run.spawnError);
  const execFailure = run.exitCode === 1 || run.exitCode === 127 ? sandboxExecFailure(run.outputTail) : undefined;
  return execFailure !== undefined && /No such file or directory|ENOENT/.test(execFailure);
}

function describeFailure(name: string, program: string, run: ProcessRunResult, rateLimited: boolean, timeoutMs: number): string {
  if (isNotInstalled(run)) return `agent CLI "${program}" is not installed on worker ${hostname()}`;
  const cannotStart = run.spawnError ?? (run.exitCode === 1 || run.exitCode === 127 ? sandboxExecFailure(run.outputTail) : undefined);
  if (cannotStart) return `agent "${name}" could not start: ${cannotStart}`;
  if (run.timedOut) return `agent "${name}" timed out after ${seconds(timeoutMs)} and was killed with its process group`;
  const exit = run.exitCode === null ? `was killed by ${run.signal ?? 'a signal'}` : `exited with code ${run.exitCode}`;
  return rateLimited ? `agent "${name}" was rate limited (it ${exit})` : `agent "${name}" ${exit}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}
