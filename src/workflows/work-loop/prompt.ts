import type { IterationRecord } from './messages.js';

export interface CheckOutcome {
  name: string;
  command: string;
  required: boolean;
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  outputTail: string;
}

/** What went wrong in an iteration, for the next prompt and for the final reason. */
export function describeCheckFailures(results: CheckOutcome[]): string {
  return results
    .filter((r) => r.required && !r.passed)
    .map((r) => {
      const how = r.timedOut ? 'timed out' : `exited with ${r.exitCode ?? 'a signal'}`;
      return `Check "${r.name}" (\`${r.command}\`) ${how}. Output (tail):\n${r.outputTail.trim()}`;
    })
    .join('\n\n');
}

export function buildPrompt(parts: {
  title: string;
  task: string;
  conventions: string;
  lastFailure?: string;
  instructions: string[];
  iteration: number;
}): string {
  const sections = [`# Task: ${parts.title}`, parts.task.trim() || parts.title];
  if (parts.conventions.trim()) sections.push(`## Repository conventions\n${parts.conventions.trim()}`);
  if (parts.instructions.length > 0) {
    sections.push(`## Instructions from the team\n${parts.instructions.map((i) => `- ${i}`).join('\n')}`);
  }
  if (parts.lastFailure) {
    sections.push(`## Iteration ${parts.iteration - 1} did not pass; fix this\n${parts.lastFailure}`);
  }
  sections.push(
    '## Rules\nEdit files in the current directory only. Do not commit; aidp commits and runs the checks.',
  );
  return sections.join('\n\n');
}

/** The reason a loop gives up, naming what happened: never a false "complete". */
export function giveUpReason(history: IterationRecord[], maxIterations: number, lastFailure: string): string {
  if (history.length > 0 && history.every((h) => h.outcome === 'no_changes')) {
    return `the agent changed no files in ${history.length} iteration(s)`;
  }
  const last = history.at(-1);
  const lastWhat = last ? ` (last iteration: ${last.outcome.replace('_', ' ')})` : '';
  return `gave up after ${maxIterations} iteration(s)${lastWhat}: ${lastFailure.slice(0, 1500)}`;
}
