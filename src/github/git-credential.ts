import { offGitHubReason, type GitHubHost } from './github-host.js';

/**
 * Git's credential helper protocol for GitHub App installations: git asks for
 * `protocol`, `host` and `path` (with credential.useHttpPath), aidp answers with a fresh
 * installation token for that repository. The token travels on git's stdin/stdout only: never
 * in a remote URL, an environment variable, a log line or an agent's environment.
 */

export interface InstallationTokens {
  /** The installation of `owner/repo` (as the app), then a token for it. */
  tokenFor(owner: string, repo: string): Promise<string>;
}

export function parseCredentialRequest(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return fields;
}

/** `owner/repo` from a credential request's path (`owner/repo.git`, or `owner/repo`). */
export function repositoryOf(path: string | undefined): { owner: string; repo: string } | undefined {
  const match = /^\/?([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(path ?? '');
  return match ? { owner: match[1]!, repo: match[2]! } : undefined;
}

/**
 * The helper's answer to `get`, or '' when this is not a GitHub repository of the app (git then
 * tries its other helpers, or fails without prompting).
 */
export async function answerCredentialRequest(
  action: string,
  request: string,
  opts: { github: GitHubHost; tokens: InstallationTokens },
): Promise<string> {
  if (action !== 'get') return '';
  const fields = parseCredentialRequest(request);
  // Only aidp's GitHub, over its scheme: a host field with a path or credentials in it is not that.
  if (!fields.protocol || !fields.host || /[/@?#\\]/.test(fields.host)) return '';
  if (offGitHubReason('host', `${fields.protocol}://${fields.host}/`, opts.github)) return '';
  const repository = repositoryOf(fields.path);
  if (!repository) return '';
  const token = await opts.tokens.tokenFor(repository.owner, repository.repo);
  return `username=x-access-token\npassword=${token}\n`;
}

/**
 * The environment that makes every git command of a worker ask `aidp git-credential` for
 * GitHub credentials. It names the helper, not a secret.
 */
export function credentialHelperEnv(aidpBin: string): Record<string, string> {
  return {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: `!"${process.execPath}" "${aidpBin}" git-credential`,
    GIT_CONFIG_KEY_1: 'credential.useHttpPath',
    GIT_CONFIG_VALUE_1: 'true',
  };
}
