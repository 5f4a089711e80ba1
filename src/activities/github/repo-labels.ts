import { parseDocument } from 'yaml';
import { z } from 'zod';
import { REPO_CONFIG_PATH, parseRepoConfig } from '../../config/load-repo-config.js';
import type { AidpLabels } from '../../domain/labels.js';
import type { PermissionOctokit } from '../../github/permissions.js';

/** The label names `.github/aidp.yml` sets explicitly; unset ones keep the app-wide name. */
const explicitLabels = z.object({ labels: z.record(z.string(), z.unknown()).optional() });

const CONFIG_KEYS: Record<keyof AidpLabels, string> = {
  plan: 'plan',
  build: 'build',
  review: 'review',
  fixCi: 'fix_ci',
  requestChanges: 'request_changes',
};

/**
 * The trigger labels of one repository: `.github/aidp.yml` on its default branch (one GitHub
 * read, made by the worker, never on the request path) over the app-wide ones. No file means
 * the app-wide labels; a file that does not validate is reported to `onInvalid` and ignored.
 */
export async function repoTriggerLabels(
  octokit: PermissionOctokit,
  repo: { owner: string; repo: string; ref: string },
  appLabels: AidpLabels,
  onInvalid: (problem: string) => void = () => {},
): Promise<AidpLabels> {
  const text = await readConfigText(octokit, repo);
  if (text === undefined) return appLabels;
  let config;
  try {
    config = parseRepoConfig(text, `${REPO_CONFIG_PATH} at ${repo.ref}`);
  } catch (err) {
    onInvalid(err instanceof Error ? err.message : String(err));
    return appLabels;
  }
  const raw = explicitLabels.safeParse(parseDocument(text).toJS() ?? {});
  const set = raw.success ? (raw.data.labels ?? {}) : {};
  const labels = { ...appLabels };
  for (const role of Object.keys(CONFIG_KEYS) as (keyof AidpLabels)[]) {
    const key = CONFIG_KEYS[role];
    if (key in set) labels[role] = config.labels[key as keyof typeof config.labels];
  }
  return labels;
}

async function readConfigText(octokit: PermissionOctokit, repo: { owner: string; repo: string; ref: string }): Promise<string | undefined> {
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: repo.owner,
      repo: repo.repo,
      path: REPO_CONFIG_PATH,
      ref: repo.ref,
      headers: { accept: 'application/vnd.github.raw+json' },
    });
    return typeof data === 'string' ? data : contentOf(data);
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'status' in error && error.status === 404) return undefined;
    throw error;
  }
}

/** The JSON form (base64 `content`), for a server that ignores the raw media type. */
function contentOf(data: unknown): string | undefined {
  const parsed = z.object({ content: z.string(), encoding: z.literal('base64') }).safeParse(data);
  return parsed.success ? Buffer.from(parsed.data.content, 'base64').toString('utf8') : undefined;
}
