import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair, type TypedSearchAttributes } from '@temporalio/common';

/**
 * aidp's custom search attributes: every workflow carries them, so the Web UI and `aidp status`
 * find runs by repository, issue or PR, kind and requester. Pure (workflows import it too).
 * Search attributes are indexed in the clear, never encrypted: only names and numbers go here.
 */
export const AIDP_REPOSITORY = defineSearchAttributeKey('AidpRepository', SearchAttributeType.KEYWORD);
export const AIDP_ISSUE = defineSearchAttributeKey('AidpIssue', SearchAttributeType.INT);
export const AIDP_KIND = defineSearchAttributeKey('AidpKind', SearchAttributeType.KEYWORD);
export const AIDP_REQUESTER = defineSearchAttributeKey('AidpRequester', SearchAttributeType.KEYWORD);

export const AIDP_SEARCH_ATTRIBUTES = [AIDP_REPOSITORY, AIDP_ISSUE, AIDP_KIND, AIDP_REQUESTER] as const;

/** `Name=Type` as the Temporal CLI spells it (`--search-attribute`, `--type`): `AidpIssue=Int`. */
export function cliSearchAttributeTypes(): Array<{ name: string; type: string }> {
  return AIDP_SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, type: key.type.charAt(0) + key.type.slice(1).toLowerCase() }));
}

export const RUN_KINDS = [
  'build',
  'plan',
  'review',
  'ci-fix',
  'change-request',
  'feature',
  'unit',
  'merge',
  'work-loop',
  'exec',
  'delivery',
  'refusal',
  'pull-closed',
  'reconcile',
] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** What a run is about; `repository` is `owner/name` on GitHub, the directory's name for `aidp run`. */
export interface RunLabels {
  kind: RunKind;
  repository?: string;
  /** The issue or pull request number. */
  issue?: number;
  /** The GitHub login, or the local user, who asked for it. */
  requester?: string;
  /** One line for the Web UI's list: the feature or unit title. */
  summary?: string;
}

export interface RunStartOptions {
  typedSearchAttributes: SearchAttributePair[];
  staticSummary?: string;
}

/** The Web UI shows one line; Temporal caps the summary's size. */
const SUMMARY_MAX = 120;

export function summaryLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SUMMARY_MAX ? `${line.slice(0, SUMMARY_MAX - 3)}...` : line;
}

/** GitHub names are case-insensitive: one spelling, so a filter matches however it was typed. */
export function repositoryKey(repository: string): string {
  return repository.trim().toLowerCase();
}

/** The search attributes and summary for a workflow start (client or child). */
export function runStartOptions(labels: RunLabels): RunStartOptions {
  const pairs: SearchAttributePair[] = [{ key: AIDP_KIND, value: labels.kind }];
  if (labels.repository) pairs.push({ key: AIDP_REPOSITORY, value: repositoryKey(labels.repository) });
  if (labels.issue !== undefined) pairs.push({ key: AIDP_ISSUE, value: labels.issue });
  if (labels.requester) pairs.push({ key: AIDP_REQUESTER, value: labels.requester });
  const summary = labels.summary ? summaryLine(labels.summary) : '';
  return summary ? { typedSearchAttributes: pairs, staticSummary: summary } : { typedSearchAttributes: pairs };
}

/**
 * A child's options from its parent's attributes (`workflowInfo().typedSearchAttributes`): same
 * repository, issue and requester, its own kind and summary. Deterministic, for workflow code.
 * Adding them to an existing start needs no patched(): replay matches a child start by its id
 * and type, not its attributes or summary (test/replay.test.ts replays histories recorded without).
 */
export function childRunOptions(parent: TypedSearchAttributes, kind: RunKind, summary?: string): RunStartOptions {
  return runStartOptions({
    kind,
    repository: parent.get(AIDP_REPOSITORY),
    issue: parent.get(AIDP_ISSUE),
    requester: parent.get(AIDP_REQUESTER),
    summary,
  });
}
