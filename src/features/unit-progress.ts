import type { WorkflowClient } from '@temporalio/client';
import type { OrchestrationStatus } from '../domain/feature-status.js';
import type { AgentDetail } from '../workflows/feature-orchestration/messages.js';
import { unitProgressQuery, type UnitProgress, type UnitStep } from '../workflows/unit/messages.js';

/** What a person reads for a step: an iteration step runs the agent, then the checks, then the push. */
const stepLabel = (step: UnitStep): string => (step === 'iteration' ? 'agent, checks, push' : step);

/**
 * Units report no progress to their feature (a signal per step cost a workflow task each): a
 * client that shows progress asks each running unit workflow instead. A unit that cannot answer
 * (it just finished, or runs on a version without the query) is shown as the feature knows it.
 */
export async function withUnitProgress(workflows: Pick<WorkflowClient, 'getHandle'>, status: OrchestrationStatus): Promise<OrchestrationStatus> {
  const unit_details = await Promise.all(
    status.unit_details.map(async (u) => {
      if (u.status !== 'running' || !u.workflowId) return u;
      const progress = await unitProgress(workflows, u.workflowId);
      return progress && progress.iteration > 0 ? { ...u, currentIteration: progress.iteration, step: stepLabel(progress.step) } : u;
    }),
  );
  return { ...status, unit_details };
}

/** The agents at work in a feature: unit, iteration, provider and step, from each running unit. */
export async function runningAgents(workflows: Pick<WorkflowClient, 'getHandle'>, status: OrchestrationStatus): Promise<AgentDetail[]> {
  const details = await Promise.all(
    status.unit_details
      .filter((u) => u.status === 'running' && u.workflowId)
      .map(async (u): Promise<AgentDetail> => {
        const progress = await unitProgress(workflows, u.workflowId!);
        return { unitId: u.id, iteration: progress?.iteration || undefined, provider: progress?.provider, phase: progress && stepLabel(progress.step) };
      }),
  );
  return details;
}

async function unitProgress(workflows: Pick<WorkflowClient, 'getHandle'>, workflowId: string): Promise<UnitProgress | undefined> {
  return workflows
    .getHandle(workflowId)
    .query(unitProgressQuery)
    .catch(() => undefined);
}
