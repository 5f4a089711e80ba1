import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { AgentQueueActivities, HostActivities } from '../../activities/index.js';
import { AGENT_QUEUE, UNIT_WORKFLOW_TASK_TIMEOUT } from '../../domain/task-queues.js';
import { setupKeepOut, setupSeconds, type SetupSettings } from '../../domain/setup.js';
import { cancelRequested, isHostLost } from '../activity-errors.js';
import { acceptSetup, completedWith } from '../unit-records.js';
import {
  injectInstructionSignal,
  iterationProgressSignal,
  pauseSignal,
  resumeSignal,
  type IterationProgress,
} from '../work-loop/messages.js';
import { WorkLoopWorkflow } from '../work-loop/workflow.js';
import { unitPhaseQuery, type AtomicUnitInput, type AtomicUnitResult, type UnitPhase } from './messages.js';
import { logSwallowed } from '../swallowed.js';
import { BASE_BRANCH_MISSING, HOST_LOST, UNSAFE_PATH } from '../../domain/failure-types.js';

/** Fresh starts (claim → worktree → loop) allowed when the host holding the worktree is lost. */
const MAX_HOST_ATTEMPTS = 3;

const { claimHost } = proxyActivities<AgentQueueActivities>({
  taskQueue: AGENT_QUEUE,
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 5 },
});

function hostGit(hostQueue: string) {
  return proxyActivities<HostActivities>({
    taskQueue: hostQueue,
    // The host's worker is gone when nothing picks the task up, or its heartbeats stop.
    scheduleToStartTimeout: '60s',
    heartbeatTimeout: '10s',
    // A first mirror clone of a large repository can take this long.
    startToCloseTimeout: '30m',
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: [UNSAFE_PATH, BASE_BRANCH_MISSING] },
  });
}

/** prepareWorktree with setup inside: its timeout grows by the setup's. A failed setup is a result, never retried. */
function prepareWithSetup(hostQueue: string, setup: SetupSettings) {
  return proxyActivities<HostActivities>({
    taskQueue: hostQueue,
    scheduleToStartTimeout: '60s',
    heartbeatTimeout: '10s',
    startToCloseTimeout: 30 * 60_000 + setupSeconds(setup) * 1000,
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: [UNSAFE_PATH, BASE_BRANCH_MISSING] },
  });
}

/** One unit: worktree on its own branch → WorkLoop → commit, push → clean up; all on one host. */
export async function AtomicUnitWorkflow(input: AtomicUnitInput): Promise<AtomicUnitResult> {
  const info = workflowInfo();
  let phase: UnitPhase = 'claiming';
  let paused = false;
  const instructions = [...input.instructions];
  let loop: ChildWorkflowHandle<typeof WorkLoopWorkflow> | undefined;

  setHandler(unitPhaseQuery, () => phase);
  setHandler(pauseSignal, async () => {
    paused = true;
    await loop?.signal(pauseSignal);
  });
  setHandler(resumeSignal, async () => {
    paused = false;
    await loop?.signal(resumeSignal);
  });
  setHandler(injectInstructionSignal, async (text) => {
    instructions.push(text);
    await loop?.signal(injectInstructionSignal, text);
  });
  // Loops report straight to the orchestrator; this relay serves loops started before they did.
  setHandler(iterationProgressSignal, (progress: IterationProgress) => {
    if (!input.reportTo) return;
    getExternalWorkflowHandle(input.reportTo)
      .signal(iterationProgressSignal, progress)
      .catch(logSwallowed('relay progress to the feature', { unitId: input.unit.id }));
  });

  const result: AtomicUnitResult = {
    unitId: input.unit.id,
    status: 'failed',
    branch: input.branch,
    iterations: 0,
    hostAttempts: 0,
    filesChanged: [],
    agentMs: 0,
  };

  for (let attempt = 1; attempt <= MAX_HOST_ATTEMPTS; attempt++) {
    result.hostAttempts = attempt;
    await condition(() => !paused);
    phase = 'claiming';
    const hostQueue = await claimHost();
    const git = hostGit(hostQueue);
    let worktreePath: string | undefined;
    let keepOut = setupKeepOut(input.setup);
    try {
      phase = 'preparing';
      // Setup runs inside the same activity, right after the worktree is made: no extra hop.
      const worktree = await (input.setup ? prepareWithSetup(hostQueue, input.setup) : git).prepareWorktree({
        remoteUrl: input.repo.remoteUrl,
        baseBranch: input.repo.baseBranch,
        featureSlug: input.featureSlug,
        unitSlug: input.unit.slug,
        branch: input.branch,
        ...(input.setup
          ? {
              setup: input.setup,
              // A unit run again on top of the feature branch holds agents' files: it reads the cache, never fills it.
              fillCache: !input.repo.baseBranch.startsWith('aidp/'),
            }
          : {}),
      });
      worktreePath = worktree.worktreePath;
      if (worktree.setup) {
        const accepted = acceptSetup(worktree.setup, { unitId: input.unit.id, hostQueue, keepOut });
        result.setup = accepted.summary;
        keepOut = accepted.keepOut;
      }
      phase = 'working';
      loop = await startChild(WorkLoopWorkflow, {
        workflowId: `${info.workflowId}/loop-${attempt}`,
        taskQueue: AGENT_QUEUE,
        workflowTaskTimeout: UNIT_WORKFLOW_TASK_TIMEOUT,
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        args: [
          {
            unitId: input.unit.id,
            title: input.unit.title,
            task: input.unit.description,
            conventions: input.conventions,
            worktreePath: worktree.worktreePath,
            baseSha: worktree.baseSha,
            hostQueue,
            providers: input.providers,
            agentTimeoutMs: input.agentTimeoutMs,
            checks: input.checks,
            maxIterations: input.maxIterations,
            instructions,
            network: input.network,
            promptKey: `${input.featureSlug}--${input.unit.slug}--a${attempt}`,
            // Straight to the orchestrator: a relay through this workflow cost a workflow task per report.
            reportTo: input.reportTo,
            ...(keepOut.length ? { keepOut } : {}),
          },
        ],
      });
      if (paused) await loop.signal(pauseSignal);
      const outcome = await loop.result();
      loop = undefined;
      result.iterations += outcome.iterations;
      result.agentMs += outcome.agentMs;
      result.checks = outcome.history.at(-1)?.checks ?? [];
      if (outcome.unsandboxed) result.unsandboxed = true;
      if (!outcome.ok) {
        result.error = outcome.reason;
        return result;
      }
      phase = 'pushing';
      const commit = await git.commitAll({
        worktreePath: worktree.worktreePath,
        message: `${input.unit.title}\n\naidp unit ${input.unit.id}`,
        ...(keepOut.length ? { keepOut } : {}),
      });
      if (!commit) {
        result.error = 'the checks passed but nothing was left to commit';
        return result;
      }
      await git.pushBranch({ worktreePath: worktree.worktreePath, branch: input.branch, remoteUrl: input.repo.remoteUrl });
      return completedWith(result, commit);
    } catch (err) {
      loop = undefined;
      if (cancelRequested() || !isHostLost(err)) throw err;
      result.error = `the host holding the worktree was lost (attempt ${attempt})`;
    } finally {
      phase = 'cleaning';
      const path = worktreePath;
      if (path) {
        // Cleanup runs even when the unit was cancelled; a lost host cannot clean, so this is best effort.
        await CancellationScope.nonCancellable(() =>
          proxyActivities<HostActivities>({
            taskQueue: hostQueue,
            scheduleToStartTimeout: '30s',
            heartbeatTimeout: '10s',
            startToCloseTimeout: '2m',
            retry: { maximumAttempts: 2 },
          })
            .removeWorktree({ worktreePath: path })
            .catch(logSwallowed('remove the worktree', { unitId: input.unit.id, worktreePath: path })),
        );
      }
      phase = 'done';
    }
  }
  throw ApplicationFailure.nonRetryable(
    `unit ${input.unit.id}: the host holding its worktree was lost ${MAX_HOST_ATTEMPTS} times`,
    HOST_LOST,
  );
}
