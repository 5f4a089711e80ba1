import { readFile } from 'node:fs/promises';
import { createGitRunner, type GitRunner } from '../activities/git/run-git.js';
import { parseDocument } from 'yaml';
import { ConfigError, describeZodIssues } from './config-error.js';
import { repoConfigSchema, type RepoConfig } from './repo-config.js';

export const REPO_CONFIG_PATH = '.github/aidp.yml';

/** Validates the text of `.github/aidp.yml`; an empty file (or only comments) means defaults. */
export function parseRepoConfig(yamlText: string, source = REPO_CONFIG_PATH): RepoConfig {
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0) {
    // The yaml package's messages end with a code excerpt on further lines: keep the first.
    const problems = doc.errors.map((e) => `YAML syntax error: ${e.message.split('\n')[0]?.replace(/:$/, '')}`);
    throw new ConfigError(source, problems);
  }
  const value: unknown = doc.toJS() ?? {};
  const parsed = repoConfigSchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(source, describeZodIssues(parsed.error, value, repoConfigSchema));
  return parsed.data;
}

/**
 * Reads `.github/aidp.yml` as committed at `ref` (never the working tree, whose edits are
 * not what the feature will be built on). No such file at that ref means defaults; a ref
 * that does not exist is an error. Git runs through aidp's runner (a worker passes its guarded
 * one, for a mirror): no hooks, drivers or secrets.
 */
export async function loadRepoConfigFromGit(repoDir: string, ref: string, git: GitRunner = createGitRunner()): Promise<RepoConfig> {
  if (ref.startsWith('-')) throw new ConfigError(`git ref ${JSON.stringify(ref)}`, ['a ref cannot start with "-"']);
  const cwd = { cwd: repoDir };
  const found = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { ...cwd, okExitCodes: [1] });
  const commit = found.exitCode === 0 ? found.stdout.trim() : '';
  if (!commit) throw new ConfigError(`git ref ${JSON.stringify(ref)}`, [`no such commit in ${repoDir}`]);
  const entry = (await git(['ls-tree', commit, '--', REPO_CONFIG_PATH], cwd)).stdout;
  if (!/^\d+ blob /.test(entry)) return parseRepoConfig('');
  const text = (await git(['cat-file', 'blob', `${commit}:${REPO_CONFIG_PATH}`], cwd)).stdout;
  return parseRepoConfig(text, `${REPO_CONFIG_PATH} at ${ref}`);
}

/** Reads a config file given explicitly; unlike a repository, a missing file is an error. */
export async function loadRepoConfigFile(path: string): Promise<RepoConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new ConfigError(path, [`cannot read the file (${code})`]);
    throw err;
  }
  return parseRepoConfig(text, path);
}
