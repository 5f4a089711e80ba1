import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';

const here = dirname(fileURLToPath(import.meta.url));

/** Built by `npm run build` (scripts/build-workflow-bundle.ts) next to the compiled sources. */
export const PREBUILT_BUNDLE_PATH = join(here, '..', '..', 'workflow-bundle.js');

export type WorkflowSource = Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;

/** The prebuilt bundle in production; the workflow sources (bundled at start) otherwise. */
export function defaultWorkflowSource(): WorkflowSource {
  if (existsSync(PREBUILT_BUNDLE_PATH)) return { workflowBundle: { codePath: PREBUILT_BUNDLE_PATH } };
  const sources = join(here, '..', 'workflows', 'index.ts');
  return { workflowsPath: existsSync(sources) ? sources : join(here, '..', 'workflows', 'index.js') };
}
