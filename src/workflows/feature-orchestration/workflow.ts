import {
  CancellationScope,
  ChildWorkflowCancellationType,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { OrchestratorActivities } from '../../activities/index.js';
import { featureBranchName, unitBranchName } from '../../domain/branches.js';
import { childRunOptions } from '../../domain/search-attributes.js';
import { agentNetwork } from '../../sandbox/network-settings.js';
import { AGENT_QUEUE, ORCHESTRATOR_QUEUE, UNIT_WORKFLOW_TASK_TIMEOUT } from '../../domain/task-queues.js';
import { cancelRequested } from '../activity-errors.js';
import { AtomicUnitWorkflow } from '../atomic-unit/workflow.js';
import { UnitWorkflow } from '../unit/workflow.js';
import type { MergeResult } from '../merge-orchestration/messages.js';
import { MergeOrchestrationWorkflow } from '../merge-orchestration/workflow.js';
import { pauseSignal as loopPause } from '../work-loop/messages.js';
import { baselineProblem } from './baseline.js';
import { FeatureState } from './feature-state.js';
import { installFeatureHandlers } from './handlers.js';
import type { FeatureInput, FeatureResult } from './messages.js';
import { mergeWorkflowId, unitRunWorkflowId } from '../../domain/child-workflow-ids.js';
import type { UnitState } from '../../domain/feature-status.js';
import { DECOMPOSE_FAILED, SPEC_INVALID } from '../../domain/failure-types.js';
import { innermostMessage } from '../../domain/innermost-message.js';

const { recordFeatureOutcome } = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});

/** patched() id of units run by UnitWorkflow (one workflow, four activities) instead of AtomicUnit → WorkLoop. */
export const UNIT_WORKFLOW_PATCH = 'aidp-unit-workflow';

/**
 * A feature: decompose into units, run one AtomicUnitWorkflow per unit with bounded, adjustable
 * concurrency, and report. One unit failing never stops the others.
 */
export async function FeatureOrchestrationWorkflow(input: FeatureInput): Promise<FeatureResult> {
  const info = workflowInfo();
  const state = input.carried
    ? new FeatureState(input.title, input.carried)
    : FeatureState.fresh(input.title, input.settings.concurrency);
  const running = new Map<string, ChildWorkflowHandle<typeof UnitWorkflow | typeof AtomicUnitWorkflow>>();
  const work = new CancellationScope();
  const featureBranch = featureBranchName(input.featureSlug);
  let error: string | undefined;

  installFeatureHandlers({ state, running, cancelWork: () => work.cancel() });

  const ranThisRun = new Set<string>();
  const runUnit = async (unit: UnitState): Promise<void> => {
    ranThisRun.add(unit.spec.id);
    unit.status = 'running';
    unit.runs++;
    unit.currentIteration = undefined;
    try {
      // Units started before UnitWorkflow existed keep AtomicUnit → WorkLoop (twice the hops).
      const unitWorkflow = patched(UNIT_WORKFLOW_PATCH) ? UnitWorkflow : AtomicUnitWorkflow;
      const handle = await startChild(unitWorkflow, {
        workflowId: unitRunWorkflowId(info.workflowId, unit.spec.slug, unit.runs),
        taskQueue: AGENT_QUEUE,
        workflowTaskTimeout: UNIT_WORKFLOW_TASK_TIMEOUT,
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        ...childRunOptions(info.typedSearchAttributes, 'unit', unit.spec.title),
        args: [
          {
            unit: unit.spec,
            featureSlug: input.featureSlug,
            branch: unit.branch,
            // A unit whose merge conflicted runs again on top of what the feature branch holds now.
            repo: unit.onFeatureBranch ? { ...input.repo, baseBranch: featureBranch } : input.repo,
            providers: input.settings.providers,
            agentTimeoutMs: input.settings.agentTimeoutMs,
            checks: input.settings.checks,
            maxIterations: input.settings.maxIterations,
            conventions: input.settings.conventions,
            instructions: state.instructionsFor(unit.spec.id),
            network: input.settings.network,
            // AtomicUnit's loop reports progress by signal; UnitWorkflow is queried instead.
            ...(unitWorkflow === AtomicUnitWorkflow ? { reportTo: info.workflowId } : {}),
            ...(input.settings.setup ? { setup: input.settings.setup } : {}),
          },
        ],
      });
      running.set(unit.spec.id, handle);
      if (state.paused) await handle.signal(loopPause);
      const result = await handle.result();
      unit.status = result.status;
      unit.iterations += result.iterations;
      unit.agentMs += result.agentMs;
      if (result.unsandboxed) unit.unsandboxed = true;
      if (result.setup) unit.setup = result.setup;
      unit.commitSha = result.commitSha;
      unit.filesChanged = result.filesChanged;
      unit.checks = result.checks;
      unit.error = result.error;
    } catch (err) {
      unit.status = state.cancelled || cancelRequested() ? 'cancelled' : 'failed';
      unit.error = unit.status === 'cancelled' ? 'cancelled' : innermostMessage(err);
    } finally {
      running.delete(unit.spec.id);
    }
  };

  const historyBudgetReached = (): boolean => workflowInfo().continueAsNewSuggested;

  // The base itself must pass the checks before any agent (decompose included) runs.
  try {
    error = await baselineProblem(input);
  } catch (err) {
    if (isCancellation(err)) throw err;
    error = `could not run the checks on the base branch: ${innermostMessage(err)}`;
  }

  if (state.units.length === 0 && !error) {
    state.decomposing = true;
    const { decomposeFeature } = proxyActivities<OrchestratorActivities>({
      startToCloseTimeout: input.settings.agentTimeoutMs * 2 + 60_000,
      retry: { maximumAttempts: 2, nonRetryableErrorTypes: [SPEC_INVALID, DECOMPOSE_FAILED] },
    });
    try {
      const specs = await decomposeFeature({
        specText: input.specText,
        repoDir: input.decomposeCwd,
        providers: input.settings.providers,
        timeoutMs: input.settings.agentTimeoutMs,
        network: agentNetwork(input.settings.network, input.settings.providers),
      });
      state.addUnits(specs, (spec) => unitBranchName(input.featureSlug, spec.slug));
    } catch (err) {
      if (isCancellation(err)) throw err;
      error = `could not split the feature into units: ${innermostMessage(err)}`;
    } finally {
      state.decomposing = false;
    }
  }
  if (input.carried?.retry) state.requeue(input.carried.retry);

  try {
    await work.run(async () => {
      for (;;) {
        await condition(() => state.settled() || (state.canDispatch() && !historyBudgetReached()) || (historyBudgetReached() && running.size === 0));
        if (state.settled()) return;
        if (historyBudgetReached() && running.size === 0) return;
        const next = state.canDispatch() ? state.nextPending() : undefined;
        if (next) void runUnit(next);
      }
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    state.cancelled = true;
  }

  // Every unit settled: merge what completed and is not in the feature branch yet.
  let merge: MergeResult | undefined;
  const toMerge = state.units.filter((u) => u.status === 'completed' && !state.merged.includes(u.spec.id));
  if (!state.cancelled && state.settled() && toMerge.length > 0) {
    state.merging = true;
    try {
      merge = await work.run(() =>
        executeChild(MergeOrchestrationWorkflow, {
          workflowId: mergeWorkflowId(info.workflowId, info.runId),
          taskQueue: ORCHESTRATOR_QUEUE,
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
          ...childRunOptions(info.typedSearchAttributes, 'merge', `Merge: ${input.title}`),
          args: [
            {
              title: input.title,
              featureSlug: input.featureSlug,
              featureBranch,
              repo: input.repo,
              units: state.units,
              alreadyMerged: state.merged,
              providers: input.settings.providers,
              agentTimeoutMs: input.settings.agentTimeoutMs,
              checks: input.settings.checks,
              threshold: input.settings.mergeThreshold,
              network: input.settings.network,
              ...(input.settings.setup ? { setup: input.settings.setup } : {}),
              uiUrl: input.uiUrl,
              github: input.github,
            },
          ],
        }),
      );
      state.merged = merge.merged;
      state.mergeStatus = merge.status;
    } catch (err) {
      if (isCancellation(err)) state.cancelled = true;
      else error = `merging the units failed: ${innermostMessage(err)}`;
    } finally {
      state.merging = false;
    }
  }
  // Cancelled: every unit workflow finishes its own cleanup (agents killed, worktrees removed) first.
  // From here on nothing is cancellable: the run reports what happened.
  return CancellationScope.nonCancellable(async () => {
    await condition(() => running.size === 0);
    for (const unit of state.units) {
      if (state.cancelled && (unit.status === 'pending' || unit.status === 'running')) {
        unit.status = 'cancelled';
        unit.error = 'cancelled';
      }
    }
    if (!state.settled() && historyBudgetReached()) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof FeatureOrchestrationWorkflow>({ ...input, carried: state.carry() });
    }
    state.finishing = true;
    await condition(allHandlersFinished);
    const ran = state.units.filter((u) => ranThisRun.has(u.spec.id));
    await recordFeatureOutcome({
      completed: ran.filter((u) => u.status === 'completed').length,
      failed: ran.filter((u) => u.status === 'failed').length,
      cancelled: ran.filter((u) => u.status === 'cancelled').length,
      conflicts: merge?.conflicts.length ?? 0,
      reverts: merge?.reverted.length ?? 0,
    });
    const { carried: _previous, ...request } = input;
    return {
      ...state.snapshot(),
      featureSlug: input.featureSlug,
      featureBranch,
      merge,
      units: state.units,
      error,
      request,
      carried: state.carry(),
    };
  });
}
