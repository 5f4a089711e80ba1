/**
 * Workflow ids for work on GitHub objects. Pure: handlers, processors, workflows and the
 * reconcile pass all derive the same id from the same issue or pull request, so a redelivered
 * webhook or a second label finds the running workflow instead of starting another.
 */

export const GITHUB_WORKFLOW_KINDS = ['build', 'plan', 'review', 'ci-fix', 'change-request'] as const;
export type GithubWorkflowKind = (typeof GITHUB_WORKFLOW_KINDS)[number];

/** Build and plan work on an issue; the others on a pull request. */
const KIND_TARGET: Record<GithubWorkflowKind, 'issue' | 'pr'> = {
  build: 'issue',
  plan: 'issue',
  review: 'pr',
  'ci-fix': 'pr',
  'change-request': 'pr',
};

/** A user or organization login: letters, digits, single hyphens inside; `_` for managed users. */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9_]|-(?=[A-Za-z0-9_]))*$/;
const OWNER_MAX = 39;
/** A repository name: letters, digits, `.`, `-`, `_`; never `.` or `..`. */
const REPO = /^[A-Za-z0-9._-]+$/;
const REPO_MAX = 100;

export function isValidOwner(owner: string): boolean {
  return owner.length <= OWNER_MAX && OWNER.test(owner);
}

export function isValidRepoName(repo: string): boolean {
  return repo.length <= REPO_MAX && REPO.test(repo) && repo !== '.' && repo !== '..';
}

export interface GithubWorkflowTarget {
  owner: string;
  repo: string;
  /** The issue number for build and plan, the pull request number for the others. */
  number: number;
  kind: GithubWorkflowKind;
}

export class InvalidWorkflowTargetError extends Error {
  override readonly name = 'InvalidWorkflowTargetError';
}

/**
 * `aidp/gh/<owner>/<repo>/<issue|pr>-<number>/<kind>`, lower-cased because GitHub names are
 * case-insensitive. Throws `InvalidWorkflowTargetError` for anything outside GitHub's own
 * charset, so no id ever carries a path separator, `..` or control character.
 */
export function githubWorkflowId(target: GithubWorkflowTarget): string {
  const { owner, repo, number, kind } = target;
  if (!isValidOwner(owner)) throw new InvalidWorkflowTargetError(`not a GitHub owner: ${JSON.stringify(owner)}`);
  if (!isValidRepoName(repo)) throw new InvalidWorkflowTargetError(`not a GitHub repository name: ${JSON.stringify(repo)}`);
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidWorkflowTargetError(`not an issue or pull request number: ${number}`);
  if (!(GITHUB_WORKFLOW_KINDS as readonly string[]).includes(kind)) throw new InvalidWorkflowTargetError(`not a workflow kind: ${JSON.stringify(kind)}`);
  return `aidp/gh/${owner.toLowerCase()}/${repo.toLowerCase()}/${KIND_TARGET[kind]}-${number}/${kind}`;
}

/** The prefix every id for one repository starts with (for listing its workflows). */
export function githubRepoWorkflowIdPrefix(owner: string, repo: string): string {
  if (!isValidOwner(owner)) throw new InvalidWorkflowTargetError(`not a GitHub owner: ${JSON.stringify(owner)}`);
  if (!isValidRepoName(repo)) throw new InvalidWorkflowTargetError(`not a GitHub repository name: ${JSON.stringify(repo)}`);
  return `aidp/gh/${owner.toLowerCase()}/${repo.toLowerCase()}/`;
}

/** GitHub's `X-GitHub-Delivery` is a GUID; letters, digits and hyphens keep any id path-safe. */
const DELIVERY = /^[A-Za-z0-9-]{1,64}$/;

/**
 * `aidp/gh/<owner>/<repo>/delivery/<delivery id>`: the DeliveryWorkflow one webhook delivery
 * starts. Started with REJECT_DUPLICATE, so a redelivery (same id) never acts twice.
 */
export function deliveryWorkflowId(owner: string, repo: string, deliveryId: string): string {
  if (!DELIVERY.test(deliveryId)) throw new InvalidWorkflowTargetError(`not a GitHub delivery id: ${JSON.stringify(deliveryId)}`);
  return `${githubRepoWorkflowIdPrefix(owner, repo)}delivery/${deliveryId.toLowerCase()}`;
}

/** The FeatureOrchestration a build (`…/issue-<n>/build`) runs: commands on the issue are sent there. */
export function featureIdOf(buildWorkflowId: string): string {
  return `${buildWorkflowId}/feature`;
}

/** PullClosedWorkflow of a build's feature PR: one per build, so a second `closed` finds it. */
export function pullClosedWorkflowId(buildWorkflowId: string): string {
  return `${buildWorkflowId}/pull-closed`;
}

/** `…/pr-<n>/ci-fix/<head sha, 12 digits>`: one CI fix per head commit, its runs counted by this id. */
export function ciFixWorkflowId(target: { owner: string; repo: string; prNumber: number; headSha: string }): string {
  const fix = githubWorkflowId({ owner: target.owner, repo: target.repo, number: target.prNumber, kind: 'ci-fix' });
  return `${fix}/${target.headSha.slice(0, 12)}`;
}

/** `aidp/gh/<owner>/<repo>/issue-<n>/refusal/<login>`, lower-cased (issues and pull requests share numbers). */
export function refusalWorkflowId(claim: { owner: string; repo: string; number: number; login: string }): string {
  if (!isValidOwner(claim.login)) throw new InvalidWorkflowTargetError(`not a GitHub login: ${JSON.stringify(claim.login)}`);
  if (!Number.isSafeInteger(claim.number) || claim.number < 1) throw new InvalidWorkflowTargetError(`not an issue or pull request number: ${claim.number}`);
  return `${githubRepoWorkflowIdPrefix(claim.owner, claim.repo)}issue-${claim.number}/refusal/${claim.login.toLowerCase()}`;
}

const ID = /^aidp\/gh\/([^/]+)\/([^/]+)\/(issue|pr)-(\d+)\/([a-z-]+)$/;

/** The target an id was built from (owner and repo lower-cased), or undefined for any other id. */
export function parseGithubWorkflowId(id: string): GithubWorkflowTarget | undefined {
  const match = ID.exec(id);
  if (!match) return undefined;
  const [, owner = '', repo = '', target, digits = '', kind = ''] = match;
  const known = (GITHUB_WORKFLOW_KINDS as readonly string[]).includes(kind) ? (kind as GithubWorkflowKind) : undefined;
  if (!known || KIND_TARGET[known] !== target || !isValidOwner(owner) || !isValidRepoName(repo)) return undefined;
  const number = Number(digits);
  if (!Number.isSafeInteger(number) || number < 1 || String(number) !== digits) return undefined;
  return { owner, repo, number, kind: known };
}
