import type { Client } from '@temporalio/client';

/**
 * Whether the workflow and every running child under it (recursively) waits on nothing of its
 * own: no workflow task and no activity pending. A tree that is idle like this does nothing more
 * until a signal, an update or a timer reaches it; a test can assert what did not happen at that
 * point instead of sleeping for a while and hoping.
 */
export async function workflowTreeIsIdle(client: Client, workflowId: string, runId?: string): Promise<boolean> {
  const { raw } = await client.workflow.getHandle(workflowId, runId).describe();
  if (raw.pendingWorkflowTask || (raw.pendingActivities?.length ?? 0) > 0) return false;
  for (const child of raw.pendingChildren ?? []) {
    if (!child.workflowId) continue;
    if (!(await workflowTreeIsIdle(client, child.workflowId, child.runId ?? undefined))) return false;
  }
  return true;
}
