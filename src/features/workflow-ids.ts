import { createHash } from 'node:crypto';
import { basename } from 'node:path';

/**
 * Workflow ids come from the object they work on, so starting the same thing twice finds the
 * running workflow instead of starting a second one.
 */
export function localFeatureWorkflowId(repoRealPath: string, featureSlug: string): string {
  const repoKey = createHash('sha1').update(repoRealPath).digest('hex').slice(0, 8);
  const name = basename(repoRealPath).replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40);
  return `aidp/local/${name}-${repoKey}/${featureSlug}`;
}

export function localExecWorkflowId(repoRealPath: string, taskSlug: string): string {
  return `${localFeatureWorkflowId(repoRealPath, taskSlug)}/exec`;
}
