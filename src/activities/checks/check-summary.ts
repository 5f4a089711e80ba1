import type { CheckResult } from './run-checks.js';

/** The failed required checks, for the next agent prompt: name, command, how it failed, output tail. */
export function summarizeFailures(results: CheckResult[]): string {
  return results
    .filter((r) => r.required && !r.passed)
    .map((r) => {
      const how = r.timedOut
        ? `timed out after ${Math.round(r.durationMs / 1000)}s`
        : r.exitCode === null
          ? 'was killed by a signal'
          : `exited with code ${r.exitCode}`;
      const output = r.outputTail.trim() || '(no output)';
      return `Check "${r.name}" (\`${r.command}\`) ${how}. Output (tail):\n${output}`;
    })
    .join('\n\n');
}
