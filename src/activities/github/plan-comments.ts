import { userText } from '../../github/user-text.js';

export interface PlanClient {
  request(route: string, params?: Record<string, unknown>): Promise<{ data: unknown }>;
  paginate: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    iterator(route: string, params?: Record<string, unknown>): AsyncIterable<{ data: any }>;
  };
}

/** Marks aidp's plan comment; people may edit the rest of it, and a build uses what they leave. */
export const PLAN_MARKER = '<!-- aidp-plan -->';
const UNITS_BLOCK = /```aidp-units\r?\n[\s\S]*?```/;

interface IssueComment {
  id: number;
  body?: string;
  user?: { type?: string } | null;
}

async function findPlanComment(octokit: PlanClient, params: { owner: string; repo: string; issue_number: number }): Promise<IssueComment | undefined> {
  let found: IssueComment | undefined;
  for await (const page of octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...params, per_page: 100 })) {
    for (const comment of page.data as IssueComment[]) {
      // Only the app's own comment: a person cannot forge a plan by writing the marker.
      if (comment.user?.type === 'Bot' && comment.body?.includes(PLAN_MARKER)) found = comment;
    }
  }
  return found;
}

/** The one plan comment of an issue, created once and edited on every re-plan; and the state labels. */
export function createPlanActivities(deps: { octokitFor: (installationId: number) => Promise<PlanClient> }) {
  return {
    async upsertPlanComment(input: { installationId: number; owner: string; repo: string; issueNumber: number; body: string }): Promise<{ id: number; created: boolean }> {
      const octokit = await deps.octokitFor(input.installationId);
      const params = { owner: input.owner, repo: input.repo, issue_number: input.issueNumber };
      const body = `${PLAN_MARKER}\n${input.body}`;
      const existing = await findPlanComment(octokit, params);
      if (existing) {
        await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: input.owner, repo: input.repo, comment_id: existing.id, body });
        return { id: existing.id, created: false };
      }
      const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...params, body });
      return { id: (data as { id: number }).id, created: true };
    },

    /** The units block of the latest plan comment, with a person's edits, or undefined without a plan. */
    async latestPlan(input: { installationId: number; owner: string; repo: string; issueNumber: number }): Promise<string | undefined> {
      const octokit = await deps.octokitFor(input.installationId);
      const comment = await findPlanComment(octokit, { owner: input.owner, repo: input.repo, issue_number: input.issueNumber });
      const block = comment?.body ? UNITS_BLOCK.exec(userText(comment.body))?.[0] : undefined;
      return block;
    },

    async setStateLabel(input: { installationId: number; owner: string; repo: string; issueNumber: number; add: string; remove: string }): Promise<void> {
      const octokit = await deps.octokitFor(input.installationId);
      const params = { owner: input.owner, repo: input.repo, issue_number: input.issueNumber };
      await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { ...params, labels: [input.add] });
      try {
        await octokit.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', { ...params, name: input.remove });
      } catch (err) {
        if ((err as { status?: number }).status !== 404) throw err; // the label was not there
      }
    },
  };
}
