import { featureBranchName } from '../../domain/branches.js';
import { assertAidpBranch, assertRemoteUrl } from './guards.js';
import type { GitRunner } from './run-git.js';
import { isSafeSlug } from '../../domain/slug.js';

/** A unit branch of `featureSlug` (`aidp/<feature>/<unit>`): never the feature branch, never anyone else's. */
function isUnitBranchOf(branch: string, featureSlug: string): boolean {
  const parts = branch.split('/');
  return parts.length === 3 && parts[0] === 'aidp' && parts[1] === featureSlug && branch !== featureBranchName(featureSlug) && isSafeSlug(parts[2] ?? '');
}

/** Deletes a feature's unit branches on the remote once its PR is closed or merged. */
export function createUnitBranchCleanupActivities(deps: {
  ensureMirror: (input: { remoteUrl: string }) => Promise<{ mirrorPath: string }>;
  git: GitRunner;
}) {
  return {
    /** The unit branches (`aidp/<feature>/<unit>`) the remote has, deleted; their names. */
    async deleteUnitBranches(input: { remoteUrl: string; featureSlug: string }): Promise<{ deleted: string[] }> {
      assertRemoteUrl(input.remoteUrl);
      assertAidpBranch(featureBranchName(input.featureSlug));
      const { mirrorPath } = await deps.ensureMirror({ remoteUrl: input.remoteUrl });
      const listed = await deps.git(['ls-remote', '--heads', '--', input.remoteUrl, `refs/heads/aidp/${input.featureSlug}/*`], { cwd: mirrorPath });
      const branches = listed.stdout
        .split('\n')
        .map((line) => line.split('\t')[1]?.replace(/^refs\/heads\//, '') ?? '')
        .filter((branch) => isUnitBranchOf(branch, input.featureSlug));
      branches.forEach(assertAidpBranch);
      if (branches.length === 0) return { deleted: [] };
      const refs = branches.map((branch) => `refs/heads/${branch}`);
      await deps.git(['push', '--quiet', '--no-verify', '--delete', '--', input.remoteUrl, ...refs], { cwd: mirrorPath });
      return { deleted: branches };
    },
  };
}
