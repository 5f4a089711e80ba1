import type { BuildRequest } from '../../domain/processor-port.js';
import type { ReconcileClient } from './reconcile-targets.js';

export interface ReconcileRefusal {
  request: BuildRequest;
  /** The `labeled` event the refusal answers: a new label is a new question. */
  labelEventId: number;
  /** Who changed the issue after the label without write access (`@login`, or "an unknown account"). */
  editors: string[];
  label: string;
}

interface Comment {
  body?: string;
  user?: { type?: string } | null;
  performed_via_github_app?: { id?: number } | null;
}

const marker = (labelEventId: number) => `<!-- aidp-reconcile-refused:${labelEventId} -->`;

function isOwn(comment: Comment, appId: number | undefined): boolean {
  return appId === undefined ? comment.user?.type === 'Bot' : comment.performed_via_github_app?.id === appId;
}

/**
 * Tells the labeller, once per `labeled` event, that reconcile will not build an issue someone
 * without write access changed after the label. Once: every pass finds the same issue, and the
 * note already posted (this app's comment with the event's marker) answers for all of them.
 */
export async function noteRefusalOnce(client: ReconcileClient, refusal: ReconcileRefusal, appId: number | undefined): Promise<boolean> {
  const { owner, repo, issueNumber, requestedBy } = refusal.request;
  const tag = marker(refusal.labelEventId);
  const params = { owner, repo, issue_number: issueNumber };
  for await (const page of client.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...params, per_page: 100 })) {
    if ((page.data as Comment[]).some((comment) => comment.body?.includes(tag) && isOwn(comment, appId))) return false;
  }
  const who = refusal.editors.join(', ');
  const body = [
    tag,
    `@${requestedBy}, aidp did not build this issue: ${who} changed it after you added the \`${refusal.label}\` label, without write access to this repository.`,
    'Someone with write access must read the issue as it is now, then remove the label and add it again.',
  ].join('\n');
  await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...params, body });
  return true;
}
