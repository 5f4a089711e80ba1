import { z } from 'zod';
import { isValidOwner, isValidRepoName } from '../github/workflow-ids.js';

/**
 * The payload fields the handlers read, validated at the edge. Only those: GitHub adds fields
 * freely, and unknown ones are kept out of the parsed value.
 */

export const actor = z.object({ login: z.string().min(1), type: z.string().optional() });

export const repository = z.object({
  id: z.number().int(),
  name: z.string().refine(isValidRepoName, 'not a GitHub repository name'),
  owner: z.object({ login: z.string().refine(isValidOwner, 'not a GitHub owner') }),
  /** On aidp's GitHub (GHE_HOST included: an IP address or a one-label name): checked by repositoryOriginRefusal before any handler runs. */
  clone_url: z.string().min(1),
  default_branch: z.string().min(1),
});
export type RepositoryPayload = z.infer<typeof repository>;

const installation = z.object({ id: z.number().int().positive() });
const label = z.object({ name: z.string() });
const text = z.string().nullish();

/** What every repository event the handlers act on carries. */
const repoEvent = z.object({ repository, installation, sender: actor });

const issue = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: text,
  /** Present (an object) when the "issue" is a pull request. */
  pull_request: z.object({}).nullish(),
});

export const issueLabeledPayload = repoEvent.extend({ label, issue });

export const issueCommentPayload = repoEvent.extend({
  issue,
  comment: z.object({ id: z.number().int().positive(), body: text, user: actor }),
});

const branchEnd = z.object({ ref: z.string().min(1), sha: z.string().min(1), repo: z.object({ id: z.number().int() }).nullable() });

export const pullRequest = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: text,
  head: branchEnd,
  base: branchEnd,
});
export type PullRequestPayload = z.infer<typeof pullRequest>;

export const pullRequestPayload = repoEvent.extend({
  action: z.string(),
  label: label.optional(),
  pull_request: pullRequest,
});

export const pullRequestReviewPayload = repoEvent.extend({
  review: z.object({ id: z.number().int().positive(), state: z.string(), body: text, user: actor }),
  pull_request: pullRequest,
});

/** A pull request as listed on check suites, check runs and workflow runs. */
const linkedPullRequest = z.object({ number: z.number().int().positive(), head: branchEnd, base: branchEnd });
export type LinkedPullRequest = z.infer<typeof linkedPullRequest>;

const checkApp = z.object({ id: z.number().int() }).nullish();

export const checkSuitePayload = repoEvent.extend({
  check_suite: z.object({
    id: z.number().int(),
    conclusion: z.string().nullable(),
    head_branch: z.string().nullable(),
    head_sha: z.string(),
    app: checkApp,
    pull_requests: z.array(linkedPullRequest),
  }),
});

export const checkRunPayload = repoEvent.extend({
  check_run: z.object({
    id: z.number().int(),
    name: z.string(),
    conclusion: z.string().nullable(),
    head_sha: z.string(),
    app: checkApp,
    check_suite: z.object({ head_branch: z.string().nullable() }),
    pull_requests: z.array(linkedPullRequest),
  }),
});

export const workflowRunPayload = repoEvent.extend({
  workflow_run: z.object({
    id: z.number().int(),
    name: z.string().nullish(),
    conclusion: z.string().nullable(),
    head_branch: z.string().nullable(),
    head_sha: z.string(),
    head_repository: z.object({ id: z.number().int() }).nullish(),
    pull_requests: z.array(linkedPullRequest),
  }),
});

export const installationPayload = z.object({
  action: z.string(),
  installation: z.object({ id: z.number().int(), account: z.object({ login: z.string() }).nullish() }),
  repositories: z.array(z.object({ full_name: z.string() })).optional(),
  repositories_added: z.array(z.object({ full_name: z.string() })).optional(),
  repositories_removed: z.array(z.object({ full_name: z.string() })).optional(),
});
