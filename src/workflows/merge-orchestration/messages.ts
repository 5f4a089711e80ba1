import type { AgentProvider } from '../../config/repo-config.js';
import type { SetupSettings } from '../../domain/setup.js';
import type { NetworkSettings } from '../../sandbox/network-settings.js';
import type { RepoTarget } from '../atomic-unit/messages.js';
import type { UnitState } from '../../domain/feature-status.js';
import type { NamedCheck } from '../work-loop/messages.js';

export interface GitHubTarget {
  installationId: number;
  owner: string;
  repo: string;
  /** The issue the feature came from: the PR body says `Closes #N`. */
  issueNumber?: number;
}

export interface MergeInput {
  title: string;
  featureSlug: string;
  featureBranch: string;
  repo: RepoTarget;
  units: UnitState[];
  /** Units merged into the feature branch by an earlier run (a retry merges only the new ones). */
  alreadyMerged: string[];
  providers: AgentProvider[];
  agentTimeoutMs: number;
  checks: NamedCheck[];
  /** Share of all units that must be merged before a PR is opened. */
  threshold: number;
  /** What the sandboxes may reach; absent in runs started before it was carried (defaults then). */
  network?: NetworkSettings;
  /** Run in the merge worktree before its first checks, as in every unit's. */
  setup?: SetupSettings;
  uiUrl?: string;
  /** Absent in `aidp run`: the summary is written to a file instead of a PR. */
  github?: GitHubTarget;
}

export interface MergeConflict {
  unitId: string;
  files: string[];
  /** The merged unit that touched the same files, when known. */
  with?: string;
}

export interface MergeRevert {
  unitId: string;
  check: string;
  outputTail: string;
}

export interface MergeResult {
  status: 'merged' | 'insufficient_merges' | 'nothing_to_merge';
  featureBranch: string;
  /** Every unit in the feature branch, this run's and earlier ones. */
  merged: string[];
  /** Merged after an agent resolved a conflict. */
  resolved: string[];
  conflicts: MergeConflict[];
  reverted: MergeRevert[];
  skipped: Array<{ unitId: string; reason: string }>;
  headSha?: string;
  pr?: { number: number; url: string; created: boolean };
  summaryPath?: string;
}
