import { howItFailed, type CheckResult } from '../../domain/check-result.js';

/** The failed required checks, for the next agent prompt: name, command, how it failed, output tail. */
export function summarizeFailures(results: CheckResult[]): string {
  return results
    .filter((r) => r.required && !r.passed)
    .map((r) => {
      const output = r.outputTail.trim() || '(no output)';
      return `Check "${r.name}" (\`${r.command}\`) ${howItFailed(r)}. Output (tail):\n${output}`;
    })
    .join('\n\n');
}
