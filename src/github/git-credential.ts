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

/** The credential helper command git runs for fetch and push: `aidp git-credential`, by absolute paths. */
export function credentialHelperCommand(aidpBin: string): string {
  return `!"${process.execPath}" "${aidpBin}" git-credential`;
}

/** What `aidp git-credential` needs to mint a token, as the worker's validated config holds it. */
export interface CredentialHelperSettings {
  appId: number;
  privateKey: string;
  /** Absolute: the helper runs in a mirror or a worktree, not where the worker started. */
  privateKeyPath?: string;
  gheHost?: string;
  gheProtocol: 'http' | 'https';
}

/**
 * The helper's environment: the app id, the key (its file's absolute path when it has one; a key
 * given inline has to travel itself, to git's fetch and push only) and the GHE host. Never the
 * webhook secret, Temporal credentials or anything else of the worker's.
 */
export function credentialHelperEnv(cfg: CredentialHelperSettings): Record<string, string> {
  return {
    APP_ID: String(cfg.appId),
    ...(cfg.privateKeyPath ? { PRIVATE_KEY_PATH: cfg.privateKeyPath } : { PRIVATE_KEY: cfg.privateKey }),
    ...(cfg.gheHost ? { GHE_HOST: cfg.gheHost } : {}),
    GHE_PROTOCOL: cfg.gheProtocol,
  };
}
