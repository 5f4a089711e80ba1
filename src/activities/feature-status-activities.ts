import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { statusMarkdown } from '../domain/summary/status-markdown.js';
import { orchestrationStatusQuery } from '../domain/feature-status.js';

/** A running feature's status as the Markdown of its status comment (queried through Temporal). */
export function createFeatureStatusActivities(deps: { client?: Client }) {
  return {
    async featureStatusMarkdown(input: { workflowId: string; uiUrl?: string }): Promise<string | undefined> {
      if (!deps.client) return undefined;
      try {
        const status = await deps.client.workflow.getHandle(input.workflowId).query(orchestrationStatusQuery);
        return statusMarkdown(status, { uiUrl: input.uiUrl });
      } catch (err) {
        // Not started yet, or already closed: the final comment says the rest.
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
  };
}
