import { z } from 'zod';
import { offGitHubReason, type GitHubHost } from '../github/github-host.js';

/** The repository URLs a delivery names; whatever else it holds is the handlers' business. */
const repositoryUrls = z.object({
  repository: z.object({ clone_url: z.unknown(), html_url: z.unknown() }).partial().nullish(),
});

/**
 * Why a delivery's repository is not on aidp's GitHub (its `clone_url` or `html_url` on another
 * host or scheme, or carrying credentials), or undefined when it is, or names no repository.
 * The worker fetches and pushes at `clone_url`: a delivery must never point it elsewhere.
 */
export function repositoryOriginRefusal(payload: unknown, github: GitHubHost): string | undefined {
  const parsed = repositoryUrls.safeParse(payload);
  const repository = parsed.success ? parsed.data.repository : undefined;
  if (!repository) return undefined;
  for (const field of ['clone_url', 'html_url'] as const) {
    const url = repository[field];
    if (url === undefined) continue;
    const reason = typeof url === 'string' ? offGitHubReason(`repository.${field}`, url, github) : `repository.${field} is not a string`;
    if (reason) return reason;
  }
  return undefined;
}
