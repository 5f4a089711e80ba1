import { setHandler, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { AtomicUnitWorkflow } from '../atomic-unit/workflow.js';
import type { UnitWorkflow } from '../unit/workflow.js';
import {
  injectInstructionSignal,
  iterationProgressSignal,
  pauseSignal as loopPause,
  resumeSignal as loopResume,
} from '../work-loop/messages.js';
import { orchestrationStatusQuery } from '../../domain/feature-status.js';
import type { FeatureState } from './feature-state.js';
import {
  adjustConcurrencyUpdate,
  agentDetailsQuery,
  cancelSignal,
  injectInstructionUpdate,
  pauseSignal,
  progressQuery,
  resumeSignal,
  retryFailedUpdate,
} from './messages.js';
import { logSwallowed } from '../swallowed.js';

/**
 * The feature's signals, updates and queries. Updates validate first, so a bad value is refused
 * with a reason and never reaches the state; pause and instructions reach every running unit.
 */
export function installFeatureHandlers(deps: {
  state: FeatureState;
  running: Map<string, ChildWorkflowHandle<typeof UnitWorkflow | typeof AtomicUnitWorkflow>>;
  cancelWork: () => void;
}): void {
  const { state, running } = deps;
  const tellRunning = (send: (handle: ChildWorkflowHandle<typeof UnitWorkflow | typeof AtomicUnitWorkflow>, unitId: string) => Promise<void>) => {
    for (const [unitId, handle] of running) send(handle, unitId).catch(logSwallowed('tell a running unit', { unitId }));
  };

  setHandler(pauseSignal, () => {
    state.paused = true;
    tellRunning((h) => h.signal(loopPause));
  });
  setHandler(resumeSignal, () => {
    state.paused = false;
    tellRunning((h) => h.signal(loopResume));
  });
  setHandler(cancelSignal, () => {
    state.cancelled = true;
    deps.cancelWork();
  });
  setHandler(
    adjustConcurrencyUpdate,
    (n) => {
      state.concurrency = n;
      return n;
    },
    {
      validator: (n) => {
        if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`concurrency must be an integer from 1 to 100 (got ${n})`);
      },
    },
  );
  setHandler(retryFailedUpdate, (ids) => state.requeue(ids), {
    validator: (ids) => {
      if (state.finishing) throw new Error('this run has finished; `aidp retry` starts a new run with the failed units');
      if (state.cancelled) throw new Error('this run was cancelled');
      const problems = state.retryProblems(ids);
      if (problems.length > 0) throw new Error(problems.join('; '));
      if (ids.length === 0 && state.count('failed') === 0) throw new Error('no unit has failed');
    },
  });
  setHandler(
    injectInstructionUpdate,
    ({ text, unitIds }) => {
      state.instructions.push({ text, unitIds });
      let delivered = 0;
      tellRunning(async (h, unitId) => {
        if (unitIds && !unitIds.includes(unitId)) return;
        delivered++;
        await h.signal(injectInstructionSignal, text);
      });
      return delivered;
    },
    {
      validator: ({ text, unitIds }) => {
        if (!text || text.trim() === '') throw new Error('the instruction is empty');
        const unknown = (unitIds ?? []).filter((id: string) => !state.unit(id));
        if (unknown.length > 0) throw new Error(`no unit ${unknown.map((id: string) => `"${id}"`).join(', ')}`);
      },
    },
  );
  setHandler(iterationProgressSignal, (p) => {
    const unit = state.unit(p.unitId);
    if (!unit || unit.status !== 'running') return;
    unit.currentIteration = p.iteration;
    unit.phase = p.phase;
    if (p.provider) unit.provider = p.provider;
  });
  setHandler(orchestrationStatusQuery, () => state.snapshot(workflowInfo().workflowId));
  setHandler(progressQuery, () => state.progress());
  setHandler(agentDetailsQuery, () => state.agentDetails());

}
