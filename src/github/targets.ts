import type { PullRequestTarget, RepoTarget } from '../domain/processor-port.js';

/** A repository as webhooks and the REST API describe it. */
export interface GitHubRepository {
  name: string;
  owner: { login: string };
  clone_url: string;
  default_branch: string;
}

/** The repository and installation an event or a listing names, as processors take them. */
export function repositoryTarget(repository: GitHubRepository, installationId: number): RepoTarget {
  return {
    owner: repository.owner.login,
    repo: repository.name,
    installationId,
    cloneUrl: repository.clone_url,
    defaultBranch: repository.default_branch,
  };
}

/** A pull request of that repository, at its current head. */
export function pullTarget(target: RepoTarget, pr: { number: number; head: { ref: string; sha: string }; base: { ref: string } }): PullRequestTarget {
  return {
    ...target,
    prNumber: pr.number,
    headBranch: pr.head.ref,
    headSha: pr.head.sha,
    baseBranch: pr.base.ref,
  };
}
