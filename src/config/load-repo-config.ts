import { readFile } from 'node:fs/promises';
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
