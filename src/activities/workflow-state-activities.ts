import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** Whether a workflow still runs, asked through Temporal (a closed PR's cleanup waits for its build). */
export function createWorkflowStateActivities(deps: { client?: Client }) {
  return {
    async workflowRunning(input: { workflowId: string }): Promise<boolean> {
      if (!deps.client) return false;
      try {
        return (await deps.client.workflow.getHandle(input.workflowId).describe()).status.name === 'RUNNING';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },
  };
}
