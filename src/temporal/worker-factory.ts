import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { failInterruptedActivities, inflightDir as inflightDirOf, recordInflightActivities } from './interrupted-activities.js';
import { hostQueueName, ORCHESTRATOR_QUEUE, AGENT_QUEUE, type QueueKind } from '../domain/task-queues.js';
import type { WorkflowSource } from './workflow-source.js';

export interface WorkerFactoryOptions {
  connection: NativeConnection;
  namespace: string;
  /** The endpoint's payload codec (AIDP_PAYLOAD_KEY); it must match the clients'. */
  dataConverter?: DataConverter;
  /** Shared queues to poll: both by default; the agent queue brings this host's own queue. */
  queues: readonly QueueKind[];
  hostId: string;
  workflows: WorkflowSource;
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
  /** Running activities get this long to finish after SIGINT/SIGTERM, then they are cancelled. */
  shutdownGraceMs: number;
  activityDeps: ActivityDeps;
  logger: Logger;
}

export interface AidpWorkers {
  hostQueue: string;
  taskQueues: string[];
  /** Resolves when every worker has drained after shutdown (SIGINT/SIGTERM or shutdown()). */
  run(): Promise<void>;
  shutdown(): void;
}

/** The workers of one process: orchestrator, agent, and this host's worktree queue. */
export async function createAidpWorkers(opts: WorkerFactoryOptions): Promise<AidpWorkers> {
  const hostQueue = hostQueueName(opts.hostId);
  const activities = createActivities({ ...opts.activityDeps, hostQueue });
  const common = {
    connection: opts.connection,
    namespace: opts.namespace,
    dataConverter: opts.dataConverter,
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTasks,
    shutdownGraceTime: opts.shutdownGraceMs,
    shutdownForceTime: opts.shutdownGraceMs + 15_000,
    // A workflow task waits this long on the queue of the worker holding the workflow's cache
    // before any worker may take it (replaying the history). After a SIGKILL, tasks already
    // waiting for the dead worker wait out this whole time: 3 s instead of the SDK's 10 s.
    stickyQueueScheduleToStartTimeout: '3s' as const,
    // A cancel reaches a running activity with the answer to its next heartbeat, and the SDK sends
    // heartbeats at most every 80% of the heartbeat timeout (8 s of 10 s) by default: a cancelled
    // feature's agents would run up to 8 s on. Every 2 s at most.
    maxHeartbeatThrottleInterval: '2s' as const,
  };
  // Created side by side rather than one after another: `aidp worker` is ready in about 1.5 s
  // instead of 1.7 s on an idle 2-core machine.
  const creating: Promise<Worker>[] = [];
  if (opts.queues.includes('orchestrator')) {
    creating.push(Worker.create({ ...common, ...opts.workflows, taskQueue: ORCHESTRATOR_QUEUE, activities: activities.orchestrator }));
  }
  if (opts.queues.includes('agent')) {
    const inflightDir = inflightDirOf(opts.activityDeps.workDir, opts.hostId);
    // Before this host polls: what a SIGKILLed predecessor of it left.
    const hostReady = takeOverFromPredecessor(opts, activities.reapOrphans, inflightDir);
    // Its activities (a unit's prepare) are recorded too: one killed mid-prepare is retried at once.
    creating.push(
      hostReady.then(() =>
        Worker.create({
          ...common,
          ...opts.workflows,
          taskQueue: AGENT_QUEUE,
          activities: activities.agentQueue,
          interceptors: { activity: [recordInflightActivities(inflightDir)] },
        }),
      ),
      hostReady.then(() =>
        Worker.create({
          ...common,
          taskQueue: hostQueue,
          activities: activities.host,
          interceptors: { activity: [recordInflightActivities(inflightDir)] },
        }),
      ),
    );
  }
  const workers = await Promise.all(creating);
  const taskQueues = workers.map((w) => w.options.taskQueue);
  opts.logger.info({ taskQueues, namespace: opts.namespace }, 'workers ready');

  return {
    hostQueue,
    taskQueues,
    async run() {
      const runs = workers.map((w) =>
        w.run().catch((err: unknown) => {
          // One worker failing takes the others down, so the process exits instead of half-serving.
          for (const other of workers) if (other.getState() === 'RUNNING') other.shutdown();
          throw err;
        }),
      );
      await Promise.all(runs);
    },
    shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}

/**
 * What a SIGKILLed predecessor of this host left: its agents are killed, then its activity
 * attempts failed as WorkerRestarted, so their units run those steps again here now (a finished
 * agent's outcome is journalled) rather than at their heartbeat timeout.
 */
async function takeOverFromPredecessor(opts: WorkerFactoryOptions, reapOrphans: () => Promise<unknown>, inflightDir: string): Promise<void> {
  await reapOrphans();
  const client = opts.activityDeps.temporalClient;
  if (!client) return;
  const failed = await failInterruptedActivities(inflightDir, client, opts.logger);
  if (failed.length > 0) opts.logger.warn({ activities: failed }, `a previous worker of host ${opts.hostId} died; its ${failed.length} running activities were failed so their units start over`);
}
