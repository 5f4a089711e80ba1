import { retryableUnits } from '../../domain/retry-selection.js';
import { duration, escapeInline, inlineCode, percent } from '../../domain/summary/markdown.js';
import type { FeatureResult } from '../feature-orchestration/messages.js';
import { statusMarkdown } from '../../domain/summary/status-markdown.js';

export interface FinalCommentLinks {
  uiUrl?: string;
  /** How long this run of the build took. */
  elapsedMs?: number;
  /** The build's `aidp` check run on the feature PR's head. */
  checkRunUrl?: string;
}

/** What happened, in one sentence: a PR and what it holds, or why there is none. */
function headline(result: FeatureResult): string {
  const merged = result.merge?.merged.length ?? result.carried.merged.length;
  const total = result.total_units;
  const branch = inlineCode(result.featureBranch);
  const pr = result.merge?.pr;
  if (pr) return `**PR [#${pr.number}](${pr.url}) ${pr.created ? 'opened' : 'updated'}: ${merged} of ${total} units merged** into ${branch}.`;
  if (result.status === 'cancelled') return `**Cancelled, no PR: ${merged} of ${total} units merged** into ${branch}.`;
  if (total === 0) return `**No PR: ${escapeInline(result.error ?? 'the feature has no units')}.**`;
  if (result.error) return `**No PR: ${escapeInline(result.error)}.**`;
  if (result.merge?.status === 'insufficient_merges') {
    return `**No PR: ${merged} of ${total} units merged, below the ${percent(result.request.settings.mergeThreshold)} threshold.** The merged units are in ${branch}.`;
  }
  if (merged === 0) return `**No PR: no unit ${result.completed === 0 ? 'completed' : 'merged'}.**`;
  return `**${merged} of ${total} units merged** into ${branch}.`;
}

/** What the reader can do now. */
function nextStep(result: FeatureResult): string {
  const retryable = retryableUnits(result);
  if (retryable.length > 0) {
    const names = retryable.map((id) => inlineCode(id)).join(', ');
    return `Next: comment \`/aidp retry\` on this issue${result.merge?.pr ? ' or on the pull request' : ''} to run ${names} again (merged units are kept)${retryable.length > 1 ? ', or `/aidp retry <unit>` for one' : ''}.`;
  }
  if (result.total_units === 0) return 'Next: fix the issue (a task list, or a plan with `/aidp plan`), then add the label again.';
  if (result.merge?.pr) return 'Next: review the pull request; comment `/aidp change <what>` on it for changes.';
  return 'Next: add the label again to start over.';
}

/** The status comment once the build has finished: what happened, what is next, and the units. */
export function finalComment(result: FeatureResult, links: FinalCommentLinks = {}): string {
  const facts = [
    `Feature branch ${inlineCode(result.featureBranch)}`,
    result.merge?.pr ? `[pull request #${result.merge.pr.number}](${result.merge.pr.url})` : '',
    links.checkRunUrl ? `[check run](${links.checkRunUrl})` : '',
    links.uiUrl ? `[Temporal Web UI](${links.uiUrl})` : '',
    links.elapsedMs !== undefined ? `took ${duration(links.elapsedMs / 1000)}` : '',
  ].filter((f) => f !== '');
  return [headline(result), '', nextStep(result), '', statusMarkdown(result), '', facts.join(' · ')].join('\n');
}
