import { BUILD_MARKER } from '../../github/build-marker.js';
import { GITHUB_COM, offGitHubReason, type GitHubHost } from '../../github/github-host.js';
import { createPermissionChecker, isBot, type PermissionChecker } from '../../github/permissions.js';
import { pullTarget, repositoryTarget, type GitHubRepository } from '../../github/targets.js';
import { repoTriggerLabels } from './repo-labels.js';
import { DEFAULT_LABELS } from '../../domain/labels.js';
import type { BuildRequest, CiFixRequest, RepoTarget } from '../../domain/processor-port.js';
import { issueSince, type GraphqlClient } from './issue-edits.js';

/** The GitHub calls a reconcile pass makes; Probot's Octokit satisfies it. */
export interface ReconcileClient extends GraphqlClient {
  paginate: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    iterator(route: string, params?: Record<string, unknown>): AsyncIterable<{ data: any }>;
  };
  request(route: string, params?: Record<string, unknown>): Promise<{ data: unknown }>;
}

export interface ReconcileGitHub {
  /** Authenticated as the app (a JWT): lists installations. */
  app(): Promise<ReconcileClient>;
  installation(installationId: number): Promise<ReconcileClient>;
  /** The GitHub these clients talk to (GHE_HOST); default github.com. A repository cloned from elsewhere is skipped. */
  host?: GitHubHost;
}

/** Why reconcile must not fetch `repository` (its clone_url is not on aidp's GitHub), or undefined. */
function offHost(github: ReconcileGitHub, repository: { clone_url: string }): string | undefined {
  return offGitHubReason('clone_url', repository.clone_url, github.host ?? GITHUB_COM);
}

interface InstalledRepository {
  /** The installation's client. */
  client: ReconcileClient;
  target: RepoTarget;
  /** Why reconcile must not fetch it (cloned from off aidp's GitHub); undefined for the rest. */
  offHost?: string;
}

/** Every repository of every installation of the app, paged, with its installation's client. */
async function* installedRepositories(github: ReconcileGitHub): AsyncGenerator<InstalledRepository> {
  const app = await github.app();
  for await (const page of app.paginate.iterator('GET /app/installations', { per_page: 100 })) {
    for (const installation of page.data as Array<{ id: number }>) {
      const client = await github.installation(installation.id);
      for await (const repos of client.paginate.iterator('GET /installation/repositories', { per_page: 100 })) {
        const list = (repos.data as { repositories?: unknown[] }).repositories ?? (repos.data as unknown[]);
        for (const repository of list as GitHubRepository[]) {
          yield { client, target: repositoryTarget(repository, installation.id), offHost: offHost(github, repository) };
        }
      }
    }
  }
}

/** A bound on one pass: anything past it is found by the next pass. */
const MAX_TARGETS = 500;

/**
 * What reconcile does with a labelled issue that never had a build: build the issue as the
 * writer who labelled it saw it, refuse (someone without write access changed it since), or
 * nothing (for `reason`, logged).
 */
export type LabelledIssue =
  | { kind: 'build'; request: BuildRequest }
  | { kind: 'refuse'; request: BuildRequest; labelEventId: number; editors: string[] }
  | { kind: 'skip'; issue: string; reason: string; retry: boolean };

interface IssueEvent {
  id: number;
  event: string;
  created_at: string;
  label?: { name: string };
  actor?: { login: string; type?: string } | null;
}

interface LabelHistory {
  /** The last time the label was added, and by whom. */
  added?: { id: number; actor: { login: string; type?: string } | null; at: number };
  /** Who renamed the issue, and when. */
  renames: { login: string | null; at: number }[];
}

async function labelHistory(client: ReconcileClient, owner: string, repo: string, issue: number, label: string): Promise<LabelHistory> {
  const history: LabelHistory = { renames: [] };
  for await (const page of client.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/events', { owner, repo, issue_number: issue, per_page: 100 })) {
    for (const event of page.data as IssueEvent[]) {
      const at = Date.parse(event.created_at);
      if (event.event === 'labeled' && event.label?.name === label) history.added = { id: event.id, actor: event.actor ?? null, at };
      if (event.event === 'renamed') history.renames.push({ login: event.actor?.login ?? null, at });
    }
  }
  return history;
}

interface IssueComment {
  created_at: string;
  body?: string | null;
  performed_via_github_app?: { id?: number } | null;
}

/**
 * Whether this app wrote a build comment (the status comment, with BUILD_MARKER) on the issue
 * after `since` (the label's last addition): that label was served, by a build Temporal may
 * have forgotten since. Anyone can type the marker; only the app's own comments count.
 */
async function builtSince(client: ReconcileClient, issue: { owner: string; repo: string; number: number }, since: number, appId: number | undefined): Promise<boolean> {
  if (appId === undefined) return false;
  const params = { owner: issue.owner, repo: issue.repo, issue_number: issue.number, since: new Date(since).toISOString(), per_page: 100 };
  for await (const page of client.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', params)) {
    for (const comment of page.data as IssueComment[]) {
      if (comment.performed_via_github_app?.id === appId && comment.body?.includes(BUILD_MARKER) && Date.parse(comment.created_at) >= since) return true;
    }
  }
  return false;
}

/** Write access as GitHub answers it; `unknown` when it did not answer (a 5xx): ask again next pass. */
type Access = boolean | 'unknown';

function accessChecker(client: ReconcileClient, owner: string, repo: string, permissions: PermissionChecker) {
  return async (login: string | null): Promise<Access> => {
    if (login === null) return false;
    try {
      return await permissions.canWrite(client, owner, repo, login);
    } catch {
      return 'unknown';
    }
  };
}

interface ListedIssue {
  number: number;
  title: string;
  body?: string | null;
  pull_request?: unknown;
}

/**
 * One labelled issue: labelled by a writer (else nothing), never built since the label (else
 * nothing: aidp's build comment on GitHub says so, or Temporal knows the build), and changed
 * since the label only by writers (else refused). A rename counts as an edit.
 */
async function judge(
  client: ReconcileClient,
  base: RepoTarget,
  issue: ListedIssue,
  label: string,
  opts: { isBuilt: (request: BuildRequest) => Promise<boolean>; permissions: PermissionChecker; appId?: number },
): Promise<LabelledIssue | undefined> {
  const name = `${base.owner}/${base.repo}#${issue.number}`;
  const access = accessChecker(client, base.owner, base.repo, opts.permissions);
  const history = await labelHistory(client, base.owner, base.repo, issue.number, label);
  const added = history.added;
  if (!added?.actor || isBot(added.actor)) return { kind: 'skip', issue: name, reason: `the \`${label}\` label was not added by a person`, retry: false };
  const labeller = await access(added.actor.login);
  if (labeller === 'unknown') return { kind: 'skip', issue: name, reason: `GitHub did not answer whether @${added.actor.login} has write access`, retry: true };
  if (!labeller) return { kind: 'skip', issue: name, reason: `@${added.actor.login}, who added the label, has no write access`, retry: false };

  const request: BuildRequest = { ...base, issueNumber: issue.number, title: issue.title, body: issue.body ?? '', requestedBy: added.actor.login };
  const where = { owner: base.owner, repo: base.repo, number: issue.number };
  // The marker outlives Temporal's retention; Temporal covers a build that has not commented yet.
  if ((await builtSince(client, where, added.at, opts.appId)) || (await opts.isBuilt(request))) return undefined;
  const now = await issueSince(client, { owner: base.owner, repo: base.repo, number: issue.number }, added.at);
  const renamers = history.renames.filter((rename) => rename.at >= added.at).map((rename) => rename.login);
  const changedBy = [...new Set([...now.bodyEditors, ...renamers])];
  const outsiders: string[] = [];
  for (const login of changedBy) {
    const allowed = await access(login);
    if (allowed === 'unknown') return { kind: 'skip', issue: name, reason: `GitHub did not answer whether @${login} has write access`, retry: true };
    if (!allowed) outsiders.push(login === null ? 'an unknown account' : `@${login}`);
  }
  const current = { ...request, title: now.title, body: now.body };
  return outsiders.length > 0 ? { kind: 'refuse', request: current, labelEventId: added.id, editors: outsiders } : { kind: 'build', request: current };
}

/**
 * Every open issue carrying the build label in every installed repository that had no build
 * since the label was last added: what a missed webhook would have started, judged by who
 * labelled and who edited it. With `appId`, aidp's build comments on GitHub tell built issues.
 */
export async function findLabelledIssues(
  github: ReconcileGitHub,
  buildLabel: string,
  opts: { isBuilt: (request: BuildRequest) => Promise<boolean>; permissions?: PermissionChecker; appId?: number },
): Promise<LabelledIssue[]> {
  const found: LabelledIssue[] = [];
  // One checker per pass: a person labelling several issues costs one request.
  const judged = { isBuilt: opts.isBuilt, permissions: opts.permissions ?? createPermissionChecker(), appId: opts.appId };
  for await (const { client, target, offHost: refusal } of installedRepositories(github)) {
    const { owner, repo } = target;
    if (refusal) {
      found.push({ kind: 'skip', issue: `${owner}/${repo}`, reason: refusal, retry: false });
      continue;
    }
    // The repository's own build label (`.github/aidp.yml` on its default branch), as the webhooks honour it.
    const labels = await repoTriggerLabels(client, { owner, repo, ref: target.defaultBranch }, { ...DEFAULT_LABELS, build: buildLabel });
    for await (const issues of client.paginate.iterator('GET /repos/{owner}/{repo}/issues', { owner, repo, labels: labels.build, state: 'open', per_page: 100 })) {
      for (const issue of issues.data as ListedIssue[]) {
        if (issue.pull_request) continue;
        const verdict = await judge(client, target, issue, labels.build, judged);
        if (!verdict) continue;
        found.push(verdict);
        if (found.length >= MAX_TARGETS) return found;
      }
    }
  }
  return found;
}

/** Open aidp PRs (head branch `aidp/…` in the same repository) whose head commit has a failed check. */
export async function findFailedAidpPullRequests(
  github: ReconcileGitHub,
  opts: { skipped?: (repository: string, reason: string) => void } = {},
): Promise<CiFixRequest[]> {
  const found: CiFixRequest[] = [];
  for await (const { client, target, offHost: refusal } of installedRepositories(github)) {
    const { owner, repo } = target;
    if (refusal) {
      opts.skipped?.(`${owner}/${repo}`, refusal);
      continue;
    }
    for await (const pulls of client.paginate.iterator('GET /repos/{owner}/{repo}/pulls', { owner, repo, state: 'open', per_page: 100 })) {
      for (const pr of pulls.data as Array<{ number: number; head: { ref: string; sha: string; repo?: { full_name?: string } | null }; base: { ref: string; repo?: { full_name?: string } } }>) {
        if (!pr.head.ref.startsWith('aidp/') || pr.head.repo?.full_name !== pr.base.repo?.full_name) continue;
        const { data } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner, repo, ref: pr.head.sha, per_page: 100 });
        const failed = ((data as { check_runs?: Array<{ id: number; name: string; conclusion: string | null }> }).check_runs ?? []).find(
          (run) => run.conclusion === 'failure' || run.conclusion === 'timed_out',
        );
        if (!failed) continue;
        found.push({
          ...pullTarget(target, pr),
          failure: { source: 'check_run', id: failed.id, conclusion: failed.conclusion ?? 'failure', name: failed.name },
        });
        if (found.length >= MAX_TARGETS) return found;
      }
    }
  }
  return found;
}
