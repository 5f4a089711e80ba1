import { realpath } from 'node:fs/promises';
import { createGitRunner } from '../activities/git/run-git.js';
import { slugify } from '../domain/slug.js';
import { loadRepoConfigFromGit } from '../activities/git/repo-config-at-ref.js';
import { InputError } from '../domain/input-error.js';
import type { FeatureInput } from '../workflows/feature-orchestration/messages.js';
import { featureSettings, type SettingOverrides } from '../workflows/feature-settings.js';
import { featureTitle } from './feature-title.js';
import { localFeatureWorkflowId } from './workflow-ids.js';

export interface LocalRepo {
  path: string;
  baseBranch: string;
}

/** A local git repository and the branch to build on (its current branch by default). */
export async function resolveLocalRepo(repoDir: string, baseBranch?: string): Promise<LocalRepo> {
  let path: string;
  try {
    path = await realpath(repoDir);
  } catch {
    throw new InputError(`--repo ${repoDir}: no such directory`);
  }
  const git = createGitRunner();
  const answer = async (args: string[]): Promise<string> => {
    const result = await git(args, { cwd: path, okExitCodes: [1, 128] });
    return result.exitCode === 0 ? result.stdout.trim() : '';
  };
  const root = await answer(['rev-parse', '--show-toplevel']);
  if (!root) throw new InputError(`--repo ${repoDir}: not a git repository`);
  const base = baseBranch ?? (await answer(['symbolic-ref', '--quiet', '--short', 'HEAD']));
  if (!base) throw new InputError(`--repo ${repoDir}: HEAD is detached; pass --base BRANCH`);
  const exists = base.startsWith('-') ? '' : await answer(['rev-parse', '--verify', '--quiet', `refs/heads/${base}`]);
  if (!exists) throw new InputError(`--base ${base}: no such branch in ${root}`);
  return { path: root, baseBranch: base };
}

export interface LocalFeature {
  workflowId: string;
  input: FeatureInput;
}

/** Everything `aidp run` needs to start a feature on a local repository, which is its own remote. */
export async function prepareLocalFeature(req: {
  repo: LocalRepo;
  specText: string;
  overrides?: SettingOverrides;
}): Promise<LocalFeature> {
  if (!req.specText.trim()) throw new InputError('the feature spec is empty');
  const config = await loadRepoConfigFromGit(req.repo.path, req.repo.baseBranch);
  const title = featureTitle(req.specText);
  const featureSlug = slugify(title);
  return {
    workflowId: localFeatureWorkflowId(req.repo.path, featureSlug),
    input: {
      title,
      featureSlug,
      specText: req.specText,
      repo: { remoteUrl: req.repo.path, baseBranch: req.repo.baseBranch },
      decomposeCwd: req.repo.path,
      settings: featureSettings(config, req.overrides),
    },
  };
}
