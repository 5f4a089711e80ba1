import type { Client } from '@temporalio/client';

/**
 * The dev server is shared by the whole jest run and queue names are fixed: whatever a test
 * leaves running is terminated, so no later test's worker picks it up.
 */
export async function terminateRunningWorkflows(client: Client): Promise<void> {
  for await (const wf of client.workflow.list({ query: 'ExecutionStatus="Running"' })) {
    await client.workflow
      .getHandle(wf.workflowId, wf.runId)
      .terminate('test cleanup')
      .catch(() => undefined);
  }
}
