import {
  ApplicationFailure,
  CancellationScope,
  condition,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { AgentQueueActivities } from '../../activities/index.js';
import type { AgentStepResult, IterationOutcome } from '../../activities/unit/unit-activities.js';
import { setupKeepOut } from '../../domain/setup.js';
import { agentNetwork, checkNetwork } from '../../sandbox/network-settings.js';
import { AGENT_QUEUE } from '../../domain/task-queues.js';
import { HOST_LOST } from '../../domain/failure-types.js';
import { cancelRequested, isHostLost } from '../activity-errors.js';
import { checksThatCouldNotStart, environmentFailure, workerOf } from '../environment-failure.js';
import { unitPhaseQuery, type UnitPhase } from '../atomic-unit/messages.js';
import { injectInstructionSignal, pauseSignal, resumeSignal, type IterationRecord } from '../work-loop/messages.js';
import { buildPrompt, describeCheckFailures, giveUpReason } from '../work-loop/prompt.js';
import { prepareOptions, unitSteps, workerRestartedOnHost } from './host-steps.js';
import { unitProgressQuery, type UnitInput, type UnitProgress, type UnitResult } from './messages.js';
import { logSwallowed } from '../swallowed.js';
import { acceptSetup, agentIterationRecord, completedWith } from '../unit-records.js';

/** Fresh starts (prepare → loop) allowed when the host holding the worktree is lost. */
const MAX_HOST_ATTEMPTS = 3;
/** Times one step may run again on its host after that host's worker restarted. */
const MAX_RESUMES = 5;

/** patched() id of an iteration run as one step on the host (agent, checks, finish) instead of three. */
export const UNIT_ITERATION_STEP_PATCH = 'aidp-unit-iteration-step';

/**
 * One unit in one workflow: prepare (a host claims it: mirror, worktree, setup), then iterations,
 * each one step on the host: agent → checks → (when they pass) finish (commit, push, clean up).
 * Two activities and three workflow tasks for a unit that passes at once (units started before
 * UNIT_ITERATION_STEP_PATCH run agent, checks and finish as three); progress is read by query.
 */
export async function UnitWorkflow(input: UnitInput): Promise<UnitResult> {
  const info = workflowInfo();
  const instructions = [...input.instructions];
  let paused = false;
  const progress: UnitProgress = { step: 'preparing', iteration: 0, hostAttempts: 0, resumes: 0, history: [] };

  setHandler(unitProgressQuery, () => progress);
  setHandler(unitPhaseQuery, () => phaseOf(progress));
  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => void (paused = false));
  setHandler(injectInstructionSignal, (text) => void instructions.push(text));

  const result: UnitResult = { unitId: input.unit.id, status: 'failed', branch: input.branch, iterations: 0, hostAttempts: 0, filesChanged: [], agentMs: 0 };
  const limits = { agentTimeoutMs: input.agentTimeoutMs, providers: input.providers.length, checks: input.checks };
  const { prepareUnit } = proxyActivities<AgentQueueActivities>(prepareOptions(AGENT_QUEUE, input.setup));
  const where = { featureSlug: input.featureSlug, unitSlug: input.unit.slug };

  for (let attempt = 1; attempt <= MAX_HOST_ATTEMPTS; attempt++) {
    result.hostAttempts = progress.hostAttempts = attempt;
    progress.step = 'preparing';
    await condition(() => !paused);
    const prepared = await prepareUnit({
      ...where,
      remoteUrl: input.repo.remoteUrl,
      baseBranch: input.repo.baseBranch,
      branch: input.branch,
      // A unit run again on top of the feature branch holds agents' files: it reads the cache, never fills it.
      ...(input.setup ? { setup: input.setup, fillCache: !input.repo.baseBranch.startsWith('aidp/') } : {}),
    });
    const { hostQueue, worktreePath } = prepared;
    progress.host = workerOf(hostQueue);
    /** Runs a step on the host; again there (its journal keeps what finished) when that host's worker restarted. */
    const onHost = async <T>(step: (steps: ReturnType<typeof unitSteps>) => Promise<T>): Promise<T> => {
      for (let resumes = 0; ; resumes++) {
        try {
          return await step(unitSteps(hostQueue, limits, resumes > 0));
        } catch (err) {
          if (cancelRequested() || resumes >= MAX_RESUMES || !workerRestartedOnHost(err)) throw err;
          progress.resumes++;
        }
      }
    };
    let keepOut = setupKeepOut(input.setup);
    let finished = false;
    const finishRequest = { message: `${input.unit.title}\n\naidp unit ${input.unit.id}`, branch: input.branch, remoteUrl: input.repo.remoteUrl };
    try {
      if (prepared.setup) {
        const accepted = acceptSetup(prepared.setup, { unitId: input.unit.id, hostQueue, keepOut });
        result.setup = accepted.summary;
        keepOut = accepted.keepOut;
      }
      const loop = await iterate(attempt);
      result.iterations += loop.history.length;
      result.agentMs += loop.agentMs;
      result.checks = loop.history.at(-1)?.checks ?? [];
      if (loop.history.some((r) => r.unsandboxed)) result.unsandboxed = true;
      if (!loop.ok) {
        result.error = loop.reason;
        return result;
      }
      let commit = loop.finished?.commit;
      if (!loop.finished) {
        progress.step = 'finishing';
        commit = await onHost((s) => s.finish({ ...where, worktreePath, ...finishRequest, ...(keepOut.length ? { keepOut } : {}) }));
      }
      finished = true;
      if (!commit) {
        result.error = 'the checks passed but nothing was left to commit';
        return result;
      }
      return completedWith(result, commit);
    } catch (err) {
      if (cancelRequested() || !isHostLost(err)) throw err;
      // The host stopped answering: its worktree is out of reach. Start over on whichever host is free, now.
      result.error = `the host holding the worktree was lost (attempt ${attempt})`;
      finished = true; // nobody would pick a cleanup up there
    } finally {
      if (!finished) {
        // Failed or cancelled: the worktree goes, even when the unit was cancelled.
        await CancellationScope.nonCancellable(() => unitSteps(hostQueue, limits).discard({ ...where, worktreePath }).catch(logSwallowed('remove the worktree of a unit that did not finish', { unitId: input.unit.id, worktreePath })));
      }
      progress.step = 'done';
    }

    /** agent → checks → failures fed back, up to max_iterations, all in this workflow. */
    async function iterate(attemptNo: number): Promise<{ ok: boolean; reason?: string; agentMs: number; history: IterationRecord[]; finished?: IterationOutcome['finished'] }> {
      const history: IterationRecord[] = [];
      progress.history = history;
      let agentMs = 0;
      let lastFailure: string | undefined;
      for (let iteration = 1; iteration <= input.maxIterations; iteration++) {
        await condition(() => !paused);
        progress.step = 'agent';
        progress.iteration = iteration;
        const prompt = buildPrompt({ title: input.unit.title, task: input.unit.description, conventions: input.conventions, instructions, lastFailure, iteration, seed: info.runId });
        const agentRequest = {
          ...where,
          worktreePath,
          baseSha: prepared.baseSha,
          prompt,
          providers: input.providers,
          timeoutMs: input.agentTimeoutMs,
          unitId: input.unit.id,
          iteration,
          // Unique per unit run, host attempt and iteration: the journal key of this agent run.
          promptKey: `${input.featureSlug}--${input.unit.slug}--${info.runId.slice(0, 8)}-a${attemptNo}-${iteration}`,
          network: agentNetwork(input.network, input.providers),
          ...(keepOut.length ? { keepOut } : {}),
        };
        let step: IterationOutcome | undefined;
        let run: AgentStepResult;
        if (patched(UNIT_ITERATION_STEP_PATCH)) {
          progress.step = 'iteration';
          step = await onHost((s) => s.iteration({ ...agentRequest, checks: input.checks, checkNetwork: checkNetwork(input.network), finish: finishRequest }));
          run = step.agent;
        } else {
          run = await onHost((s) => s.agent(agentRequest));
        }
        agentMs += run.durationMs;
        progress.provider = run.provider;
        const record = agentIterationRecord(iteration, run, run.changedFiles.length);
        history.push(record);
        if (!run.ok && run.missingCli) {
          throw environmentFailure(`${run.reason ?? 'the agent CLI is not installed'} (unit ${input.unit.id}, worker ${workerOf(hostQueue)})`);
        }
        if (!run.ok) {
          lastFailure = `${run.reason ?? 'the agent failed'}\nAgent output (tail):\n${run.outputTail}`;
          continue;
        }
        if (run.changedFiles.length === 0) {
          // Nothing to check: the checks of an unchanged worktree already passed on the base.
          record.outcome = 'no_changes';
          lastFailure = 'You changed no files. The task needs changes in this repository.';
          continue;
        }
        let results = step?.checks;
        if (!results) {
          progress.step = 'checks';
          results = await onHost((s) => s.checks({ worktreePath, checks: input.checks, network: checkNetwork(input.network) }));
        }
        record.checks = results.map(({ name, passed, required, exitCode, timedOut }) => ({ name, passed, required, exitCode, timedOut }));
        const cannotStart = checksThatCouldNotStart(results);
        if (cannotStart) throw environmentFailure(`${cannotStart} (unit ${input.unit.id}, worker ${workerOf(hostQueue)})`);
        if (results.every((r) => r.passed || !r.required)) {
          record.outcome = 'passed';
          return { ok: true, agentMs, history, ...(step?.finished ? { finished: step.finished } : {}) };
        }
        record.outcome = 'checks_failed';
        lastFailure = describeCheckFailures(results);
      }
      return { ok: false, reason: giveUpReason(history, input.maxIterations, lastFailure ?? 'no iteration passed'), agentMs, history };
    }
  }
  throw ApplicationFailure.nonRetryable(`unit ${input.unit.id}: the host holding its worktree was lost ${MAX_HOST_ATTEMPTS} times`, HOST_LOST);
}

function phaseOf(progress: UnitProgress): UnitPhase {
  switch (progress.step) {
    case 'preparing':
      return 'preparing';
    case 'agent':
    case 'checks':
    case 'iteration':
      return 'working';
    case 'finishing':
      return 'pushing';
    default:
      return 'done';
  }
}
