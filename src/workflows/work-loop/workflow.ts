import {
  ActivityCancellationType,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { HostActivities } from '../../activities/index.js';
import { agentNetwork, checkNetwork } from '../../sandbox/network-settings.js';
import { cancelRequested, isHostLost } from '../activity-errors.js';
import { HOST_LOST } from '../../domain/failure-types.js';
import { checksThatCouldNotStart, environmentFailure, ENVIRONMENT_FAILURES_PATCH, workerOf } from '../environment-failure.js';
import { agentIterationRecord } from '../unit-records.js';
import {
  historyQuery,
  injectInstructionSignal,
  iterationCountQuery,
  iterationProgressSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  type IterationProgress,
  type IterationRecord,
  type WorkLoopInput,
  type WorkLoopResult,
  type WorkLoopStatus,
} from './messages.js';
import { buildPrompt, describeCheckFailures, giveUpReason } from './prompt.js';
import { logSwallowed } from '../swallowed.js';

function hostActivities(input: WorkLoopInput) {
  const checksSeconds = input.checks.reduce((sum, c) => sum + c.timeout_seconds, 0);
  const common = {
    taskQueue: input.hostQueue,
    // A host that stopped polling is noticed here, and the unit starts over elsewhere.
    scheduleToStartTimeout: '60s',
    heartbeatTimeout: '10s',
    // Agents and checks are not retried blindly: a failed iteration is fed back to the agent.
    retry: { maximumAttempts: 1 },
    // A cancel is done only when the agent's process group is dead.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  } as const;
  return {
    agent: proxyActivities<HostActivities>({
      ...common,
      startToCloseTimeout: input.agentTimeoutMs * input.providers.length + 60_000,
    }),
    checks: proxyActivities<HostActivities>({ ...common, startToCloseTimeout: (checksSeconds + 60) * 1000 }),
    git: proxyActivities<HostActivities>({
      taskQueue: input.hostQueue,
      scheduleToStartTimeout: '60s',
      heartbeatTimeout: '10s',
      startToCloseTimeout: '5m',
      retry: { maximumAttempts: 3 },
    }),
  };
}

/** The fix-forward loop: agent → required checks → feed failures back, up to max iterations. */
export async function WorkLoopWorkflow(input: WorkLoopInput): Promise<WorkLoopResult> {
  const { agent, checks, git } = hostActivities(input);
  const history: IterationRecord[] = [];
  const instructions = [...input.instructions];
  let status: WorkLoopStatus = 'running';
  let paused = false;
  let agentMs = 0;

  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => void (paused = false));
  setHandler(injectInstructionSignal, (text) => void instructions.push(text));
  setHandler(statusQuery, () => (paused && status === 'running' ? 'paused' : status));
  setHandler(iterationCountQuery, () => history.length);
  setHandler(historyQuery, () => history);

  const report = (progress: IterationProgress): void => {
    if (!input.reportTo) return;
    // Progress is best effort: a unit that already finished does not need it.
    getExternalWorkflowHandle(input.reportTo).signal(iterationProgressSignal, progress).catch(logSwallowed('report progress', { unitId: input.unitId }));
  };

  let lastFailure: string | undefined;
  try {
    for (let iteration = 1; iteration <= input.maxIterations; iteration++) {
      await condition(() => !paused);
      report({ unitId: input.unitId, iteration, phase: 'agent' });
      const run = await agent.executeAgent({
        worktreePath: input.worktreePath,
        // The run id seeds the markers around untrusted text: nobody writing that text knows it.
        prompt: buildPrompt({ ...input, instructions, lastFailure, iteration, seed: workflowInfo().runId }),
        providers: input.providers,
        timeoutMs: input.agentTimeoutMs,
        unitId: input.unitId,
        iteration,
        promptKey: `${input.promptKey}-${iteration}`,
        network: agentNetwork(input.network, input.providers),
      });
      agentMs += run.durationMs;
      const record = agentIterationRecord(iteration, run, 0);
      history.push(record);
      // The agent's program is not on this worker: no later iteration can fix that, and it is not the agent's doing.
      if (!run.ok && 'missingCli' in run && run.missingCli === true && patched(ENVIRONMENT_FAILURES_PATCH)) {
        throw environmentFailure(`${run.reason ?? 'the agent CLI is not installed'} (unit ${input.unitId}, worker ${workerOf(input.hostQueue)})`);
      }
      if (!run.ok) {
        lastFailure = `${run.reason ?? 'the agent failed'}\nAgent output (tail):\n${run.outputTail}`;
        continue;
      }
      const changed = await git.changedFiles({
        worktreePath: input.worktreePath,
        baseSha: input.baseSha,
        ...(input.keepOut?.length ? { keepOut: input.keepOut } : {}),
      });
      record.filesChanged = changed.length;
      report({ unitId: input.unitId, iteration, provider: run.provider, phase: 'checks' });
      const results = await checks.runChecks({
        worktreePath: input.worktreePath,
        checks: input.checks,
        network: checkNetwork(input.network),
      });
      record.checks = results.map(({ name, passed, required, exitCode, timedOut }) => ({
        name,
        passed,
        required,
        exitCode,
        timedOut,
      }));
      const cannotStart = checksThatCouldNotStart(results);
      if (cannotStart && patched(ENVIRONMENT_FAILURES_PATCH)) {
        throw environmentFailure(`${cannotStart} (unit ${input.unitId}, worker ${workerOf(input.hostQueue)})`);
      }
      const checksPass = results.every((r) => r.passed || !r.required);
      if (checksPass && changed.length > 0) {
        record.outcome = 'passed';
        status = 'passed';
        report({ unitId: input.unitId, iteration, provider: run.provider, phase: 'done' });
        return { ok: true, iterations: iteration, agentMs, history, ...ranUnsandboxed(history) };
      }
      if (changed.length === 0) {
        record.outcome = 'no_changes';
        lastFailure = 'You changed no files. The task needs changes in this repository.';
      } else {
        record.outcome = 'checks_failed';
        lastFailure = describeCheckFailures(results);
      }
    }
  } catch (err) {
    if (cancelRequested()) {
      status = 'cancelled';
      throw err;
    }
    if (isHostLost(err)) {
      throw ApplicationFailure.create({ type: HOST_LOST, message: 'the host of this worktree stopped answering', cause: err as Error });
    }
    throw err;
  }
  status = 'failed';
  return {
    ok: false,
    iterations: history.length,
    reason: giveUpReason(history, input.maxIterations, lastFailure ?? 'no iteration passed'),
    agentMs,
    history,
    ...ranUnsandboxed(history),
  };
}

function ranUnsandboxed(history: IterationRecord[]): { unsandboxed?: true } {
  return history.some((r) => r.unsandboxed) ? { unsandboxed: true } : {};
}
