/**
 * One repository check (or setup command) as it ran in its sandbox: what the check activities
 * return, what the work loop feeds back to the agent and what the status shows. Its output is a
 * tail, small enough for workflow history.
 */
export interface CheckResult {
  name: string;
  command: string;
  required: boolean;
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  outputTail: string;
}

/** How a check that did not pass ended, for a prompt or a failure message: "exited with code 1". */
export function howItFailed(r: Pick<CheckResult, 'timedOut' | 'durationMs' | 'exitCode'>): string {
  if (r.timedOut) return `timed out after ${Math.round(r.durationMs / 1000)}s`;
  return r.exitCode === null ? 'was killed by a signal' : `exited with code ${r.exitCode}`;
}
