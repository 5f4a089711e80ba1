import { ApplicationFailure } from '@temporalio/common';
import type { ProbotOctokit } from 'probot';
import { PULL_REQUEST_REFUSED } from '../../domain/failure-types.js';

/** The part of an installation's Octokit these activities use; a ProbotOctokit is one. */
export interface PullRequestClient {
  rest: { pulls: Pick<ProbotOctokit['rest']['pulls'], 'list' | 'create' | 'update'> };
}

export interface GitHubActivityDeps {
  /** An Octokit authenticated as the app's installation (ProbotOctokit from `app.auth(id)`). */
  octokitFor: (installationId: number) => Promise<PullRequestClient>;
}

export interface FeaturePRInput {
  installationId: number;
  owner: string;
  repo: string;
  /** The feature branch, in `repo` itself. */
  head: string;
  base: string;
  title: string;
  body: string;
}

export interface FeaturePR {
  number: number;
  url: string;
  created: boolean;
}

/** GitHub refuses bodies over 65,536 characters. */
const MAX_BODY_CHARS = 65_000;
const MAX_TITLE_CHARS = 256;

interface HttpError {
  status: number;
  message: string;
  response?: { data?: { message?: string; errors?: Array<{ message?: string; code?: string } | string> } };
}

function isHttpError(err: unknown): err is HttpError {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number';
}

/** GitHub's own words: the validation errors' messages when it gave any (`No commits between main and …`). */
function githubMessage(err: HttpError): string {
  const data = err.response?.data;
  const details = (data?.errors ?? [])
    .map((e) => (typeof e === 'string' ? e : (e.message ?? e.code ?? '')))
    .filter((m) => m !== '');
  const text = details.length > 0 ? `${data?.message ?? 'Validation Failed'}: ${details.join('; ')}` : (data?.message ?? err.message);
  return text.slice(0, 1000);
}

function capBody(body: string): string {
  if (body.length <= MAX_BODY_CHARS) return body;
  return `${body.slice(0, MAX_BODY_CHARS)}\n\n… (the summary was cut to fit GitHub's limit)\n`;
}

/** Pull requests on the app's installations. */
export function createGitHubActivities(deps: GitHubActivityDeps) {
  /**
   * The feature's PR, once: an open PR from `head` is updated (title and body), otherwise a
   * draft PR is opened. A refusal by GitHub (422: no commits between the branches, a PR that
   * cannot exist) is non-retryable `PullRequestRefused` carrying GitHub's message.
   */
  async function createOrUpdateFeaturePR(input: FeaturePRInput): Promise<FeaturePR> {
    const octokit = await deps.octokitFor(input.installationId);
    const { owner, repo } = input;
    const title = input.title.trim().slice(0, MAX_TITLE_CHARS) || input.head;
    const body = capBody(input.body);
    try {
      const open = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${input.head}`, state: 'open', per_page: 100 });
      const existing = open.data
        .filter((pr) => pr.head.ref === input.head)
        .sort((a, b) => a.number - b.number)[0];
      if (existing) {
        const updated = await octokit.rest.pulls.update({ owner, repo, pull_number: existing.number, title, body });
        return { number: updated.data.number, url: updated.data.html_url, created: false };
      }
      const created = await createDraft(octokit, { owner, repo, head: input.head, base: input.base, title, body });
      return { number: created.number, url: created.html_url, created: true };
    } catch (err) {
      if (isHttpError(err) && err.status === 422) {
        throw ApplicationFailure.create({ message: githubMessage(err), type: PULL_REQUEST_REFUSED, nonRetryable: true });
      }
      throw err;
    }
  }

  return { createOrUpdateFeaturePR };
}

/** A draft PR; where drafts are not available (some private repositories' plans), a ready one. */
async function createDraft(
  octokit: PullRequestClient,
  params: { owner: string; repo: string; head: string; base: string; title: string; body: string },
): Promise<{ number: number; html_url: string }> {
  try {
    return (await octokit.rest.pulls.create({ ...params, draft: true })).data;
  } catch (err) {
    if (isHttpError(err) && err.status === 422 && /draft/i.test(githubMessage(err))) {
      return (await octokit.rest.pulls.create(params)).data;
    }
    throw err;
  }
}

export type GitHubActivities = ReturnType<typeof createGitHubActivities>;
