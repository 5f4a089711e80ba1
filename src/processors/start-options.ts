import type { RepoTarget } from '../domain/processor-port.js';
import { runStartOptions, type RunLabels, type RunStartOptions } from '../domain/search-attributes.js';
import { ORCHESTRATOR_QUEUE } from '../domain/task-queues.js';

/**
 * What every start on behalf of a GitHub repository shares: its id, the orchestrator queue, and
 * the search attributes and summary that find it (`repository` is `owner/repo`).
 */
export function orchestratorStart(
  workflowId: string,
  where: { owner: string; repo: string },
  labels: Omit<RunLabels, 'repository'>,
): { workflowId: string; taskQueue: string } & RunStartOptions {
  return { workflowId, taskQueue: ORCHESTRATOR_QUEUE, ...runStartOptions({ ...labels, repository: `${where.owner}/${where.repo}` }) };
}

/** The repository fields of a request, as the input of every workflow on a GitHub repository carries them. */
export function repoTargetOf(request: RepoTarget): RepoTarget {
  const { owner, repo, installationId, cloneUrl, defaultBranch } = request;
  return { owner, repo, installationId, cloneUrl, defaultBranch };
}
