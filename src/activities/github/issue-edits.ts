import { z } from 'zod';

/** The GraphQL part of Probot's Octokit. */
export interface GraphqlClient {
  graphql(query: string, variables?: Record<string, unknown>): Promise<unknown>;
}

/** How many of the latest body edits are read; more since the label means "unknown editors". */
const EDITS_READ = 100;

const QUERY = `query($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $number) {
      title
      body
      lastEditedAt
      userContentEdits(last: ${EDITS_READ}) { nodes { editedAt editor { login } } }
    }
  }
}`;

const answer = z.object({
  repository: z.object({
    issue: z.object({
      title: z.string(),
      body: z.string(),
      lastEditedAt: z.string().nullable(),
      userContentEdits: z.object({
        nodes: z.array(z.object({ editedAt: z.string(), editor: z.object({ login: z.string() }).nullable() }).nullable()),
      }),
    }),
  }),
});

export interface IssueSinceLabel {
  title: string;
  body: string;
  /**
   * Logins that edited the body at or after the label. `null` stands for an editor GitHub no
   * longer names (a deleted account) or for edits past the ones read: never a writer.
   */
  bodyEditors: (string | null)[];
}

/** The issue as it is now, and who edited its body since `since` (GraphQL `userContentEdits`). */
export async function issueSince(client: GraphqlClient, target: { owner: string; repo: string; number: number }, since: number): Promise<IssueSinceLabel> {
  const data = answer.parse(await client.graphql(QUERY, { owner: target.owner, repo: target.repo, number: target.number }));
  const { title, body, lastEditedAt, userContentEdits } = data.repository.issue;
  if (lastEditedAt === null || Date.parse(lastEditedAt) < since) return { title, body, bodyEditors: [] };
  const edits = userContentEdits.nodes.filter((edit) => edit !== null);
  const after = edits.filter((edit) => Date.parse(edit.editedAt) >= since);
  const editors: (string | null)[] = after.map((edit) => edit.editor?.login ?? null);
  // Every edit read is newer than the label: older ones, also after it, may be missing.
  if (after.length === edits.length && edits.length >= EDITS_READ) editors.push(null);
  // GitHub says the body changed since the label, yet no edit read shows it.
  if (editors.length === 0) editors.push(null);
  return { title, body, bodyEditors: [...new Set(editors)] };
}
