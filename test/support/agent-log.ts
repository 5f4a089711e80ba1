import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AgentEvent {
  event: 'start' | 'end';
  unit: string;
  /** The pid inside the agent's sandbox (its PID namespace): not unique, not a host pid. */
  pid: number;
  /** Random per agent process. */
  id: string;
  t: number;
}

/** What the scripted agents wrote to `<dir>/agents.jsonl`: one line per start and end. */
export function agentEvents(logDir: string): AgentEvent[] {
  const file = join(logDir, 'agents.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AgentEvent);
}

export function starts(logDir: string, unit?: string): AgentEvent[] {
  return agentEvents(logDir).filter((e) => e.event === 'start' && (unit === undefined || e.unit === unit));
}

/** The most agents running at one moment, from start/end events (a start without an end counts as running). */
export function maxConcurrentAgents(events: AgentEvent[]): number {
  const timeline = events
    .map((e) => ({ t: e.t, delta: e.event === 'start' ? 1 : -1 }))
    .sort((a, b) => a.t - b.t || a.delta - b.delta);
  let running = 0;
  let max = 0;
  for (const step of timeline) {
    running += step.delta;
    max = Math.max(max, running);
  }
  return max;
}

/** Running, not a zombie: PID 1 in a container may never reap an orphan, so kill(pid, 0) is not enough. */
export { processIsRunning as processIsAlive } from '../../src/activities/agent/process-liveness.js';

/** Kept for files that import it from here (feature-run, worker-crash); new code imports ./wait-for.js. */
export { waitFor } from './wait-for.js';
