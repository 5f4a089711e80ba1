import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function millis(e: HistoryEvent): number {
  return Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
}

/** Durations by name, from the events of one workflow history. */
function hops(events: HistoryEvent[], into: Map<string, number[]>, prefix: string): void {
  const add = (name: string, ms: number) => into.set(name, [...(into.get(name) ?? []), ms]);
  const scheduled = new Map<string, { name: string; at: number }>();
  const started = new Map<string, number>();
  let taskScheduled = 0;
  let taskStarted = 0;
  for (const e of events) {
    const id = String(e.eventId);
    if (e.workflowTaskScheduledEventAttributes) taskScheduled = millis(e);
    if (e.workflowTaskStartedEventAttributes) {
      taskStarted = millis(e);
      add(`${prefix} workflow task: wait`, taskStarted - taskScheduled);
    }
    if (e.workflowTaskCompletedEventAttributes) add(`${prefix} workflow task: run`, millis(e) - taskStarted);
    const activity = e.activityTaskScheduledEventAttributes;
    if (activity) scheduled.set(id, { name: activity.activityType?.name ?? '?', at: millis(e) });
    const start = e.activityTaskStartedEventAttributes;
    if (start) {
      const s = scheduled.get(String(start.scheduledEventId));
      if (s) add(`${s.name}: wait`, millis(e) - s.at);
      started.set(String(start.scheduledEventId), millis(e));
    }
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const s = scheduled.get(String(done.scheduledEventId));
      const at = started.get(String(done.scheduledEventId));
      if (s && at !== undefined) add(`${s.name}: run`, millis(e) - at);
    }
  }
  if (events.length > 0) add(`${prefix} total`, millis(events[events.length - 1]!) - millis(events[0]!));
}

/** Milliseconds of a history spent running activities, and spent on everything Temporal adds. */
function shares(events: HistoryEvent[]): { activities: number; orchestration: number } {
  const table = new Map<string, number[]>();
  hops(events, table, '');
  const sum = (filter: (name: string) => boolean) =>
    [...table].filter(([name]) => filter(name)).reduce((total, [, values]) => total + values.reduce((a, b) => a + b, 0), 0);
  return {
    activities: sum((name) => name.endsWith(': run') && !name.includes('workflow task')),
    orchestration: sum((name) => name.endsWith(': wait') || name.includes('workflow task: run')),
  };
}

export interface UnitTimes {
  /** A unit's wall time, from its workflow's start to its end. */
  wall: number[];
  /** Of which its activities (and its loop's) ran. */
  activities: number[];
  /** Of which it or its loop waited on a queue or ran a workflow task. */
  orchestration: number[];
}

/** Per-unit times of a feature's units (`unit-1` … `unit-n`, first run, first loop). */
export async function unitTimes(client: Client, featureId: string, units: number): Promise<UnitTimes> {
  const times: UnitTimes = { wall: [], activities: [], orchestration: [] };
  for (let i = 1; i <= units; i++) {
    const unit = (await client.workflow.getHandle(`${featureId}/unit/unit-${i}/run-1`).fetchHistory()).events ?? [];
    const loop = (await client.workflow.getHandle(`${featureId}/unit/unit-${i}/run-1/loop-1`).fetchHistory()).events ?? [];
    if (unit.length === 0) continue;
    const [u, l] = [shares(unit), shares(loop)];
    times.wall.push(millis(unit[unit.length - 1]!) - millis(unit[0]!));
    times.activities.push(u.activities + l.activities);
    times.orchestration.push(u.orchestration + l.orchestration);
  }
  return times;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Where a feature run's time went (`AIDP_BENCH_DEBUG=1 npm run bench -- "50 units"`): for each
 * hop (a workflow task, an activity), its wait on the queue and its run, over all units.
 */
export async function hopReport(client: Client, featureId: string, units: number): Promise<string> {
  const table = new Map<string, number[]>();
  const history = async (id: string) => (await client.workflow.getHandle(id).fetchHistory().catch(() => undefined))?.events ?? [];
  hops(await history(featureId), table, 'feature');
  for (let i = 1; i <= units; i++) {
    hops(await history(`${featureId}/unit/unit-${i}/run-1`), table, 'unit');
    hops(await history(`${featureId}/unit/unit-${i}/run-1/loop-1`), table, 'loop');
  }
  const lines = [...table].map(([name, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const p90 = sorted[Math.floor(sorted.length * 0.9)];
    return `${name.padEnd(32)} n=${String(sorted.length).padStart(5)}  mean=${mean.toFixed(0).padStart(6)} ms  p90=${String(p90).padStart(6)} ms`;
  });
  return `${lines.join('\n')}\n`;
}

/** One line per event (`ss.mmm id kind detail`), for reading a history by eye. */
export async function historyTimeline(client: Client, workflowId: string): Promise<string | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory().catch(() => undefined);
  if (!history) return undefined;
  return (history.events ?? [])
    .map((e) => {
      const kind = Object.keys(e).find((k) => k.endsWith('EventAttributes'))?.replace(/EventAttributes$/, '') ?? '?';
      const detail = e.workflowTaskScheduledEventAttributes?.taskQueue?.name ?? e.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
      return `${new Date(millis(e)).toISOString().slice(17, 23)} ${String(e.eventId)} ${kind} ${detail}`;
    })
    .join('\n');
}
