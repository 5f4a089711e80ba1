import { createPermissionChecker, isBot, type PermissionChecker } from '../../github/permissions.js';
import { userText } from '../../github/user-text.js';

export interface PlanClient {
  request(route: string, params?: Record<string, unknown>): Promise<{ data: unknown }>;
  paginate: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    iterator(route: string, params?: Record<string, unknown>): AsyncIterable<{ data: any }>;
  };
}

/** Marks aidp's plan comment; writers may edit the rest of it, and a build uses what they leave. */
export const PLAN_MARKER = '<!-- aidp-plan -->';
const UNITS_BLOCK = /```aidp-units\r?\n[\s\S]*?```/;

interface IssueComment {
  id: number;
  body?: string;
  user?: { login?: string; type?: string } | null;
  /** Set by GitHub on a comment a GitHub App wrote: the app that wrote it. */
  performed_via_github_app?: { id?: number } | null;
}

type IssueParams = { owner: string; repo: string; issue_number: number };

/** Who may write a plan: this app (by its id), and people with write access. */
export interface PlanAuthors {
  /** This GitHub App's id. Without it no comment counts as the app's own. */
  appId?: number;
  permissions: PermissionChecker;
}

/** Every comment carrying the plan marker, oldest first. */
async function markedComments(octokit: PlanClient, params: IssueParams): Promise<IssueComment[]> {
  const found: IssueComment[] = [];
  for await (const page of octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...params, per_page: 100 })) {
    for (const comment of page.data as IssueComment[]) if (comment.body?.includes(PLAN_MARKER)) found.push(comment);
  }
  return found;
}

function isOwnComment(comment: IssueComment, appId: number | undefined): boolean {
  return appId !== undefined && comment.performed_via_github_app?.id === appId;
}

/** This app's own plan comment, the one a re-plan edits. */
async function ownPlanComment(octokit: PlanClient, params: IssueParams, appId: number | undefined): Promise<IssueComment | undefined> {
  return (await markedComments(octokit, params)).filter((comment) => isOwnComment(comment, appId)).at(-1);
}

/**
 * The latest plan comment written by this app or by someone with write access. Anyone can
 * write the marker: another app's or a reader's comment carrying it is no plan. The app's
 * comment edited by a writer is still the app's (only writers can edit others' comments).
 */
async function trustedPlanComment(octokit: PlanClient, params: IssueParams, authors: PlanAuthors): Promise<IssueComment | undefined> {
  const marked = await markedComments(octokit, params);
  for (const comment of marked.reverse()) {
    if (isOwnComment(comment, authors.appId)) return comment;
    const login = comment.user?.login;
    if (!login || comment.performed_via_github_app || isBot({ login, type: comment.user?.type })) continue;
    if (await authors.permissions.canWrite(octokit, params.owner, params.repo, login)) return comment;
  }
  return undefined;
}

/** The one plan comment of an issue, created once and edited on every re-plan; and the state labels. */
export function createPlanActivities(deps: { octokitFor: (installationId: number) => Promise<PlanClient>; appId?: number; permissions?: PermissionChecker }) {
  const authors: PlanAuthors = { appId: deps.appId, permissions: deps.permissions ?? createPermissionChecker() };
  return {
    async upsertPlanComment(input: { installationId: number; owner: string; repo: string; issueNumber: number; body: string }): Promise<{ id: number; created: boolean }> {
      const octokit = await deps.octokitFor(input.installationId);
      const params = { owner: input.owner, repo: input.repo, issue_number: input.issueNumber };
      const body = `${PLAN_MARKER}\n${input.body}`;
      const existing = await ownPlanComment(octokit, params, authors.appId);
      if (existing) {
        await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: input.owner, repo: input.repo, comment_id: existing.id, body });
        return { id: existing.id, created: false };
      }
      const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...params, body });
      return { id: (data as { id: number }).id, created: true };
    },

    /** The units block of the latest plan comment by this app or a writer, with a writer's edits, or undefined without one. */
    async latestPlan(input: { installationId: number; owner: string; repo: string; issueNumber: number }): Promise<string | undefined> {
      const octokit = await deps.octokitFor(input.installationId);
      const comment = await trustedPlanComment(octokit, { owner: input.owner, repo: input.repo, issue_number: input.issueNumber }, authors);
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
