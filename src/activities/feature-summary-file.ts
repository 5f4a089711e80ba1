import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { UNSAFE_PATH } from '../domain/failure-types.js';

/**
 * Without GitHub (`aidp run`), the feature's summary — what a PR body would say — is written
 * under the work dir, named after the feature, and its path printed by the CLI.
 */
export function createSummaryFileActivities(deps: { workDir: string }) {
  return {
    async writeFeatureSummary(input: { featureSlug: string; markdown: string }): Promise<{ path: string }> {
      const dir = resolve(deps.workDir, 'summaries');
      const path = resolve(dir, `${input.featureSlug}.md`);
      if (!path.startsWith(`${dir}/`)) throw ApplicationFailure.nonRetryable(`unsafe feature slug ${JSON.stringify(input.featureSlug)}`, UNSAFE_PATH);
      await mkdir(dir, { recursive: true });
      await writeFile(join(path), input.markdown);
      return { path };
    },
  };
}
