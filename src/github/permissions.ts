import { z } from 'zod';

/** Repository roles allowed to start or steer aidp work. */
export const WRITE_ROLES: readonly string[] = ['admin', 'maintain', 'write'];

/** The part of Probot's Octokit the checker uses (the activities' narrower clients fit too). */
export interface PermissionOctokit {
  request(route: string, params?: Record<string, unknown>): Promise<{ data: unknown }>;
}

export interface PermissionChecker {
  /** True when `username` has admin, maintain or write access to owner/repo. Bots: always false, without a request. */
  canWrite(octokit: PermissionOctokit, owner: string, repo: string, username: string): Promise<boolean>;
}

export interface PermissionCheckerOptions {
  /** How long an answer is reused for the same repository and user. */
  ttlMs?: number;
  now?: () => number;
}

export interface GithubActor {
  login: string;
  type?: string;
}

/** A GitHub App or other bot account: `type: 'Bot'` or a login ending in `[bot]`. */
export function isBot(actor: GithubActor): boolean {
  return actor.type === 'Bot' || actor.login.toLowerCase().endsWith('[bot]');
}

const permissionResponse = z.object({
  permission: z.string(),
  /** The finer role (`maintain`, `triage`, or a custom role's name); absent on old GitHub Enterprise. */
  role_name: z.string().optional(),
});

/**
 * Asks GitHub's collaborator permission API and keeps each answer for `ttlMs`, so a burst of
 * commands costs one request. This is a cache of GitHub's answer, not aidp state: losing it
 * costs one request.
 */
export function createPermissionChecker(opts: PermissionCheckerOptions = {}): PermissionChecker {
  const ttlMs = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { allowed: boolean; expiresAt: number }>();

  function remember(key: string, allowed: boolean): boolean {
    const at = now();
    for (const [k, entry] of cache) if (entry.expiresAt <= at) cache.delete(k);
    cache.set(key, { allowed, expiresAt: at + ttlMs });
    return allowed;
  }

  return {
    async canWrite(octokit, owner, repo, username) {
      if (isBot({ login: username })) return false;
      const key = `${owner}/${repo}\n${username}`.toLowerCase();
      const cached = cache.get(key);
      if (cached && cached.expiresAt > now()) return cached.allowed;
      let data: unknown;
      try {
        ({ data } = await octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner, repo, username }));
      } catch (error) {
        // GitHub answers 404 for a user who is not a collaborator (or does not exist).
        if (statusOf(error) === 404) return remember(key, false);
        throw error;
      }
      const { permission, role_name } = permissionResponse.parse(data);
      return remember(key, WRITE_ROLES.includes(permission) || (role_name !== undefined && WRITE_ROLES.includes(role_name)));
    },
  };
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}
