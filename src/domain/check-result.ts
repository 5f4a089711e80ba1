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
