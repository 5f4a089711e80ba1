import { userText } from '../../github/user-text.js';

export interface ReviewClient {
  request(route: string, params?: Record<string, unknown>): Promise<{ data: unknown }>;
}

const DIFF_LIMIT = 60_000;
const BODY_LIMIT = 60_000;

/** What a review needs from GitHub: the PR and its diff in, one review out. */
export function createReviewActivities(deps: { octokitFor: (installationId: number) => Promise<ReviewClient> }) {
  return {
    async pullRequestForReview(input: { installationId: number; owner: string; repo: string; prNumber: number }): Promise<{ title: string; body: string; diff: string; truncated: boolean }> {
      const octokit = await deps.octokitFor(input.installationId);
      const params = { owner: input.owner, repo: input.repo, pull_number: input.prNumber };
      const { data: pr } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', params);
      const { data: diff } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
        ...params,
        headers: { accept: 'application/vnd.github.diff' },
      });
      const text = String(diff);
      const { title, body } = pr as { title: string; body: string | null };
      return {
        title: userText(title),
        body: userText(body ?? ''),
        diff: text.slice(0, DIFF_LIMIT),
        truncated: text.length > DIFF_LIMIT,
      };
    },

    /** Always a comment review: aidp never approves and never blocks. */
    async postReview(input: { installationId: number; owner: string; repo: string; prNumber: number; body: string }): Promise<{ id: number }> {
      const octokit = await deps.octokitFor(input.installationId);
      const { data } = await octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        owner: input.owner,
        repo: input.repo,
        pull_number: input.prNumber,
        event: 'COMMENT',
        body: input.body.slice(0, BODY_LIMIT),
      });
      return { id: (data as { id: number }).id };
    },
  };
}
