import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric aidp registers, its own and Node's process metrics alike, starts with this. */
export const METRIC_PREFIX = 'aidp_';

/** What the webhook server did with a delivery; `queued`: handed to a DeliveryWorkflow, which decides the rest. */
export const DELIVERY_OUTCOMES = ['started', 'signalled', 'ignored', 'refused', 'invalid', 'queued'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export const UNIT_OUTCOMES = ['completed', 'failed', 'cancelled'] as const;
export type UnitOutcome = (typeof UNIT_OUTCOMES)[number];

/** One agent attempt: a fallback to the next provider is a second observation. */
export const AGENT_OUTCOMES = ['succeeded', 'failed', 'timed_out', 'rate_limited', 'cancelled'] as const;
export type AgentOutcome = (typeof AGENT_OUTCOMES)[number];

export const CHECK_OUTCOMES = ['passed', 'failed', 'timed_out'] as const;
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];

/** Agents run for minutes, up to their timeout (30 min by default). */
const AGENT_BUCKETS_SECONDS = [5, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600];
/** Lint in a second, a test suite in minutes. */
const CHECK_BUCKETS_SECONDS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 900];

/** A counter whose labels the compiler checks: `inc({ event: 'issues', outcome: 'started' })`. */
export interface LabelledCounter<L extends object> {
  inc(labels: L, value?: number): void;
}

export interface PlainCounter {
  inc(value?: number): void;
}

/** `observe(labels, seconds)`, or `startTimer(labels)` and call the result with the outcome. */
export interface LabelledHistogram<L extends object> {
  observe(labels: L, seconds: number): void;
  startTimer(labels?: Partial<L>): (labels?: Partial<L>) => number;
}

export interface AidpMetrics {
  /** This process's registry; prom-client's global registry is never used. */
  registry: Registry;
  deliveries: LabelledCounter<{ event: string; outcome: DeliveryOutcome }>;
  workflowsStarted: LabelledCounter<{ workflow: string }>;
  units: LabelledCounter<{ outcome: UnitOutcome }>;
  agentDuration: LabelledHistogram<{ provider: string; outcome: AgentOutcome }>;
  checkDuration: LabelledHistogram<{ check: string; outcome: CheckOutcome }>;
  mergeConflicts: PlainCounter;
  mergeReverts: PlainCounter;
}

/**
 * A fresh registry with aidp's metrics and Node's process metrics (`aidp_process_*`,
 * `aidp_nodejs_*`). Create one per process; tests may create as many as they like.
 */
export function createMetrics(): AidpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const registers = [registry];

  const units = new Counter({
    name: `${METRIC_PREFIX}units_total`,
    help: 'Atomic units finished, by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  // Known outcomes start at 0, so a rate() panel shows 0 rather than "no data".
  for (const outcome of UNIT_OUTCOMES) units.inc({ outcome }, 0);

  const mergeConflicts = new Counter({
    name: `${METRIC_PREFIX}merge_conflicts_total`,
    help: 'Unit branches whose merge into the feature branch conflicted.',
    registers,
  });
  const mergeReverts = new Counter({
    name: `${METRIC_PREFIX}merge_reverts_total`,
    help: 'Unit merges rolled back out of the feature branch.',
    registers,
  });

  return {
    registry,
    deliveries: new Counter({
      name: `${METRIC_PREFIX}deliveries_total`,
      help: 'GitHub webhook deliveries, by event and what aidp did with them.',
      labelNames: ['event', 'outcome'] as const,
      registers,
    }),
    workflowsStarted: new Counter({
      name: `${METRIC_PREFIX}workflows_started_total`,
      help: 'Temporal workflows started by aidp, by workflow type.',
      labelNames: ['workflow'] as const,
      registers,
    }),
    units,
    agentDuration: new Histogram({
      name: `${METRIC_PREFIX}agent_duration_seconds`,
      help: 'Wall time of one agent attempt, by provider and outcome.',
      labelNames: ['provider', 'outcome'] as const,
      buckets: AGENT_BUCKETS_SECONDS,
      registers,
    }),
    checkDuration: new Histogram({
      name: `${METRIC_PREFIX}check_duration_seconds`,
      help: 'Wall time of one repository check (test, lint, build), by check and outcome.',
      labelNames: ['check', 'outcome'] as const,
      buckets: CHECK_BUCKETS_SECONDS,
      registers,
    }),
    mergeConflicts,
    mergeReverts,
  };
}
