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

/** The events of one workflow, none when it does not exist (a UnitWorkflow has no loop child). */
async function eventsOf(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory().catch(() => undefined))?.events ?? [];
}

/** Per-unit times of a feature's units (`unit-1` … `unit-n`, first run, and its loop if it has one). */
export async function unitTimes(client: Client, featureId: string, units: number): Promise<UnitTimes> {
  const times: UnitTimes = { wall: [], activities: [], orchestration: [] };
  for (let i = 1; i <= units; i++) {
    const unit = await eventsOf(client, `${featureId}/unit/unit-${i}/run-1`);
    const loop = await eventsOf(client, `${featureId}/unit/unit-${i}/run-1/loop-1`);
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
  const history = (id: string) => eventsOf(client, id);
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

export interface HopCounts {
  units: number;
  /** Workflow tasks of the units' own workflows (and their loops), per unit. */
  unitWorkflowTasks: number;
  /** Activity tasks the units' workflows scheduled, per unit. */
  unitActivities: number;
  /** The feature's workflow tasks until its merge started, shared out per unit. */
  featureWorkflowTasks: number;
  /** The feature's activity tasks until its merge started (the baseline, decompose), shared out per unit. */
  featureActivities: number;
  /** unitWorkflowTasks + featureWorkflowTasks. */
  workflowTasksPerUnit: number;
  /** unitActivities + featureActivities. */
  activitiesPerUnit: number;
}

function count(events: HistoryEvent[]): { workflowTasks: number; activities: number } {
  return {
    workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
  };
}

/** Events before the merge child was started: the unit phase of a feature run. */
function unitPhase(events: HistoryEvent[]): HistoryEvent[] {
  const merge = events.findIndex((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name === 'MergeOrchestrationWorkflow');
  return merge < 0 ? events : events.slice(0, merge);
}

/**
 * Orchestration cost counted from the histories of a feature's units (every run of every unit
 * workflow under the feature, loops included) and of the feature itself up to its merge.
 */
export async function hopCounts(client: Client, featureId: string): Promise<HopCounts> {
  const units = new Map<string, { workflowTasks: number; activities: number }>();
  for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH "${featureId}/unit/"` })) {
    const c = count(await eventsOf(client, wf.workflowId));
    const unit = wf.workflowId.slice(featureId.length + '/unit/'.length).split('/')[0]!;
    const sum = units.get(unit) ?? { workflowTasks: 0, activities: 0 };
    units.set(unit, { workflowTasks: sum.workflowTasks + c.workflowTasks, activities: sum.activities + c.activities });
  }
  const n = Math.max(units.size, 1);
  const feature = count(unitPhase(await eventsOf(client, featureId)));
  const total = [...units.values()].reduce((a, b) => ({ workflowTasks: a.workflowTasks + b.workflowTasks, activities: a.activities + b.activities }), { workflowTasks: 0, activities: 0 });
  const round = (x: number) => Math.round(x * 100) / 100;
  const result = {
    units: units.size,
    unitWorkflowTasks: round(total.workflowTasks / n),
    unitActivities: round(total.activities / n),
    featureWorkflowTasks: round(feature.workflowTasks / n),
    featureActivities: round(feature.activities / n),
  };
  return {
    ...result,
    workflowTasksPerUnit: round(result.unitWorkflowTasks + result.featureWorkflowTasks),
    activitiesPerUnit: round(result.unitActivities + result.featureActivities),
  };
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
