import { ApplicationFailure } from '@temporalio/workflow';
import type { CheckResult } from '../domain/check-result.js';
import { ENVIRONMENT_FAILURE } from '../domain/failure-types.js';

/** patched() id of environment failures stopping a unit instead of feeding the agent. */
export const ENVIRONMENT_FAILURES_PATCH = 'aidp-environment-failures';

/** Exit codes of a shell that could not run the command: not executable (126), not found (127). */
const CANNOT_START = new Set([126, 127]);

/** The worker's host id, from its queue `aidp-agent@<host>`. */
export function workerOf(hostQueue: string): string {
  return hostQueue.slice(hostQueue.indexOf('@') + 1) || hostQueue;
}

/** The environment's fault, reported as such: never fed to an agent, never retried. */
export function environmentFailure(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`environment failure: ${message}`, ENVIRONMENT_FAILURE);
}

type CheckOutcome = Pick<CheckResult, 'name' | 'command' | 'required' | 'passed' | 'exitCode' | 'outputTail'>;

/** Required checks whose command could not start (exit 126/127), described; undefined when none. */
export function checksThatCouldNotStart(results: CheckOutcome[]): string | undefined {
  const failed = results.filter((r) => r.required && !r.passed && r.exitCode !== null && CANNOT_START.has(r.exitCode));
  if (failed.length === 0) return undefined;
  return failed
    .map(
      (r) =>
        `check "${r.name}" (\`${r.command}\`) could not start a program (exit ${r.exitCode}: ${r.exitCode === 127 ? 'not found' : 'not executable'}); ` +
        `install what it needs in \`setup\` of .github/aidp.yml. Output (tail):\n${r.outputTail.trim().slice(-1500) || '(no output)'}`,
    )
    .join('\n');
}
