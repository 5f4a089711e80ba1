/**
 * The order units merge into the feature branch. Pure, no Node APIs: workflows import it.
 */

export interface MergeCandidate {
  id: string;
  /** A unit's status (`completed`, `failed`, `cancelled`, `pending`, `running`). */
  status: string;
  dependsOn: string[];
  /** Lines added plus removed against the base: smaller diffs merge first. */
  diffLines: number;
}

export interface MergePlan {
  order: string[];
  skipped: Array<{ id: string; reason: string }>;
}

const STATE_WORDS: Record<string, string> = {
  failed: 'failed',
  cancelled: 'was cancelled',
  pending: 'has not run',
  running: 'is still running',
};

function stateWords(status: string): string {
  return STATE_WORDS[status] ?? `is ${status}`;
}

function byDiffThenId(a: MergeCandidate, b: MergeCandidate): number {
  if (a.diffLines !== b.diffLines) return a.diffLines - b.diffLines;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Completed units not merged yet: dependencies first, then smaller diffs, then id. A unit whose
 * dependency did not complete, is unknown, was skipped, or lies on a dependency cycle is skipped
 * with a reason naming that dependency. Runs in O(n²) at worst and always ends.
 */
export function determineMergeOrder(units: MergeCandidate[], alreadyMerged: string[] = []): MergePlan {
  const byId = new Map<string, MergeCandidate>();
  for (const unit of units) if (!byId.has(unit.id)) byId.set(unit.id, unit);
  const merged = new Set(alreadyMerged);
  const candidates = [...byId.values()].filter((u) => u.status === 'completed' && !merged.has(u.id));
  const skipped = new Map<string, string>();

  // Blocked by a dependency that is not merged and will not be: grows until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const unit of candidates) {
      if (skipped.has(unit.id)) continue;
      const reason = blockedBy(unit, byId, merged, skipped);
      if (reason !== undefined) {
        skipped.set(unit.id, reason);
        changed = true;
      }
    }
  }

  // Kahn's algorithm; among the units ready at each step the smallest diff goes first.
  const remaining = candidates.filter((u) => !skipped.has(u.id));
  const placed = new Set<string>();
  const order: string[] = [];
  for (;;) {
    const ready = remaining.filter((u) => !placed.has(u.id) && u.dependsOn.every((d) => merged.has(d) || placed.has(d)));
    const next = ready.sort(byDiffThenId)[0];
    if (next === undefined) break;
    placed.add(next.id);
    order.push(next.id);
  }

  for (const unit of remaining) {
    if (placed.has(unit.id)) continue;
    const dep = unit.dependsOn.find((d) => !merged.has(d) && !placed.has(d)) ?? unit.id;
    skipped.set(unit.id, `depends on ${JSON.stringify(dep)}, which could not be ordered (dependency cycle)`);
  }

  const skippedList = candidates.filter((u) => skipped.has(u.id)).map((u) => ({ id: u.id, reason: skipped.get(u.id) ?? '' }));
  return { order, skipped: skippedList };
}

function blockedBy(
  unit: MergeCandidate,
  byId: Map<string, MergeCandidate>,
  merged: Set<string>,
  skipped: Map<string, string>,
): string | undefined {
  for (const depId of unit.dependsOn) {
    if (merged.has(depId)) continue;
    const dep = byId.get(depId);
    const name = JSON.stringify(depId);
    if (dep === undefined) return `depends on ${name}, which is not a unit of this feature`;
    if (dep.status !== 'completed') return `depends on ${name}, which ${stateWords(dep.status)}`;
    if (skipped.has(depId)) return `depends on ${name}, which was skipped`;
  }
  return undefined;
}

/**
 * While merging in order: the reason `unit` must not merge now, because a dependency of it
 * failed to merge (conflict, reverted) or has not merged; undefined when every dependency has.
 * `mergedIds` holds every unit merged so far, including those merged by an earlier run.
 */
export function dependencyBlocked(
  unit: { dependsOn: string[] },
  mergedIds: readonly string[],
  failedToMerge: readonly string[],
): string | undefined {
  for (const depId of unit.dependsOn) {
    if (mergedIds.includes(depId)) continue;
    const name = JSON.stringify(depId);
    return failedToMerge.includes(depId)
      ? `depends on ${name}, which failed to merge`
      : `depends on ${name}, which has not been merged`;
  }
  return undefined;
}
