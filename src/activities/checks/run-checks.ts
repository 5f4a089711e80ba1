import { randomUUID } from 'node:crypto';
import type { CheckConfig } from '../../config/repo-config.js';
import type { CheckResult } from '../../domain/check-result.js';
import type { UntrustedRun } from '../../sandbox/untrusted-run.js';
import { runInProcessGroup } from '../agent/process-group.js';

/** Output kept per check: enough for the next prompt, small enough for workflow history. */
export const CHECK_OUTPUT_TAIL_BYTES = 4_000;

export type NamedCheckConfig = { name: string } & CheckConfig;

export type { CheckResult };

export interface RunCheckListInput {
  worktreePath: string;
  checks: NamedCheckConfig[];
  /** Opens the sandbox one check runs in (`key` names its scratch dir). */
  openSandbox: (key: string) => Promise<UntrustedRun>;
  signal?: AbortSignal;
  onHeartbeat?: () => void;
  /** Records each running check for reapOrphanedProcessGroups. */
  registryDir?: string;
}

/**
 * Runs the checks one after another, each as `sh -c <command>` in its own sandbox and process
 * group under its own timeout. The command comes from the repository's own `.github/aidp.yml`
 * on its base branch, which is trusted like its CI config; what it runs (agent-written code) is
 * not, hence the sandbox. Stops at a cancel, returning what ran so far.
 */
export async function runCheckList(input: RunCheckListInput): Promise<{ results: CheckResult[]; cancelled: boolean }> {
  const results: CheckResult[] = [];
  for (const check of input.checks) {
    const key = `check-${randomUUID()}`;
    const sandbox = await input.openSandbox(key);
    const command = sandbox.command(['sh', '-c', check.command]);
    const run = await runInProcessGroup({
      argv: command.argv,
      cwd: input.worktreePath,
      env: command.env,
      timeoutMs: check.timeout_seconds * 1000,
      signal: input.signal,
      onHeartbeat: input.onHeartbeat,
      outputTailBytes: CHECK_OUTPUT_TAIL_BYTES,
      stdoutMaxBytes: CHECK_OUTPUT_TAIL_BYTES,
      registry: input.registryDir ? { dir: input.registryDir, key } : undefined,
    }).finally(() => sandbox.close());
    if (run.cancelled) return { results, cancelled: true };
    results.push({
      name: check.name,
      command: check.command,
      required: check.required,
      passed: run.exitCode === 0 && !run.timedOut,
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      durationMs: run.durationMs,
      outputTail: run.spawnError ?? run.outputTail,
    });
  }
  return { results, cancelled: false };
}
