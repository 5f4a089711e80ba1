import type { BuildRequest, CiFixRequest } from '../../handlers/processor-port.js';

/** The GitHub calls a reconcile pass makes; Probot's Octokit satisfies it. */
export interface ReconcileClient {
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
}

const WRITE_ROLES = new Set(['admin', 'maintain', 'write']);
/** A bound on one pass: anything past it is found by the next pass. */
const MAX_TARGETS = 500;

/** Who added the label last, from the issue's events (the webhook that was missed would have said). */
async function labeler(client: ReconcileClient, owner: string, repo: string, issue: number, label: string): Promise<string | undefined> {
  let login: string | undefined;
  for await (const page of client.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/events', { owner, repo, issue_number: issue, per_page: 100 })) {
    for (const event of page.data as Array<{ event: string; label?: { name: string }; actor?: { login: string; type?: string } }>) {
      if (event.event === 'labeled' && event.label?.name === label && event.actor?.type !== 'Bot') login = event.actor?.login;
    }
  }
  return login;
}

async function canWrite(client: ReconcileClient, owner: string, repo: string, username: string): Promise<boolean> {
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner, repo, username });
    return WRITE_ROLES.has((data as { permission: string }).permission);
  } catch {
    return false; // not a collaborator (404): cannot start anything
  }
}

/**
 * Every open issue that carries the build label in every installed repository, with the
 * person who labelled it, when that person may still act: what a missed webhook would have started.
 */
export async function findLabelledIssues(github: ReconcileGitHub, buildLabel: string): Promise<BuildRequest[]> {
  const targets: BuildRequest[] = [];
  const app = await github.app();
  for await (const page of app.paginate.iterator('GET /app/installations', { per_page: 100 })) {
    for (const installation of page.data as Array<{ id: number }>) {
      const client = await github.installation(installation.id);
      for await (const repos of client.paginate.iterator('GET /installation/repositories', { per_page: 100 })) {
        const list = (repos.data as { repositories?: unknown[] }).repositories ?? (repos.data as unknown[]);
        for (const repository of list as Array<{ name: string; owner: { login: string }; clone_url: string; default_branch: string }>) {
          const owner = repository.owner.login;
          for await (const issues of client.paginate.iterator('GET /repos/{owner}/{repo}/issues', { owner, repo: repository.name, labels: buildLabel, state: 'open', per_page: 100 })) {
            for (const issue of issues.data as Array<{ number: number; title: string; body?: string | null; pull_request?: unknown }>) {
              if (issue.pull_request) continue;
              const by = await labeler(client, owner, repository.name, issue.number, buildLabel);
              if (!by || !(await canWrite(client, owner, repository.name, by))) continue;
              targets.push({
                owner,
                repo: repository.name,
                installationId: installation.id,
                cloneUrl: repository.clone_url,
                defaultBranch: repository.default_branch,
                issueNumber: issue.number,
                title: issue.title,
                body: issue.body ?? '',
                requestedBy: by,
              });
              if (targets.length >= MAX_TARGETS) return targets;
            }
          }
        }
      }
    }
  }
  return targets;
}

/** Open aidp PRs (head branch `aidp/…` in the same repository) whose head commit has a failed check. */
export async function findFailedAidpPullRequests(github: ReconcileGitHub): Promise<CiFixRequest[]> {
  const found: CiFixRequest[] = [];
  const app = await github.app();
  for await (const page of app.paginate.iterator('GET /app/installations', { per_page: 100 })) {
    for (const installation of page.data as Array<{ id: number }>) {
      const client = await github.installation(installation.id);
      for await (const repos of client.paginate.iterator('GET /installation/repositories', { per_page: 100 })) {
        const list = (repos.data as { repositories?: unknown[] }).repositories ?? (repos.data as unknown[]);
        for (const repository of list as Array<{ name: string; full_name?: string; owner: { login: string }; clone_url: string; default_branch: string }>) {
          const owner = repository.owner.login;
          for await (const pulls of client.paginate.iterator('GET /repos/{owner}/{repo}/pulls', { owner, repo: repository.name, state: 'open', per_page: 100 })) {
            for (const pr of pulls.data as Array<{ number: number; head: { ref: string; sha: string; repo?: { full_name?: string } | null }; base: { ref: string; repo?: { full_name?: string } } }>) {
              if (!pr.head.ref.startsWith('aidp/') || pr.head.repo?.full_name !== pr.base.repo?.full_name) continue;
              const { data } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner, repo: repository.name, ref: pr.head.sha, per_page: 100 });
              const failed = ((data as { check_runs?: Array<{ id: number; name: string; conclusion: string | null }> }).check_runs ?? []).find(
                (run) => run.conclusion === 'failure' || run.conclusion === 'timed_out',
              );
              if (!failed) continue;
              found.push({
                owner,
                repo: repository.name,
                installationId: installation.id,
                cloneUrl: repository.clone_url,
                defaultBranch: repository.default_branch,
                prNumber: pr.number,
                headBranch: pr.head.ref,
                headSha: pr.head.sha,
                baseBranch: pr.base.ref,
                failure: { source: 'check_run', id: failed.id, conclusion: failed.conclusion ?? 'failure', name: failed.name },
              });
              if (found.length >= MAX_TARGETS) return found;
            }
          }
        }
      }
    }
  }
  return found;
}
