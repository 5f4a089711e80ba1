import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { createAgentActivities } from './agent/agent-activities.js';
import { reapOrphanedProcessGroups } from './agent/process-group.js';
import { createCheckActivities } from './checks/check-activities.js';
import { createDecomposeActivities } from './decompose/decompose-activities.js';
import type { Client } from '@temporalio/client';
import { createFeatureStatusActivities } from './feature-status-activities.js';
import { createSummaryFileActivities } from './feature-summary-file.js';
import { createGitActivities } from './git/git-activities.js';
import { openActivityGit } from './git/guarded-git.js';
import type { GitRemoteAccess } from './git/run-git.js';
import { createBuildCheckRunActivities } from './github/build-check-run.js';
import { createCheckRunActivities, type CheckRunClient } from './github/check-runs.js';
import { createCommentActivities, type CommentClient } from './github/comments.js';
import { createDeliveryActivities, type DeliveryHandler } from './github/deliveries.js';
import { createPlanActivities, type PlanClient } from './github/plan-comments.js';
import { createReviewActivities } from './github/reviews.js';
import { createGitHubActivities, type GitHubActivityDeps } from './github/pull-requests.js';
import { faultPoint } from './fault-point.js';
import { heartbeatAll } from './heartbeat.js';
import { createHostClaimActivities } from './host-claim.js';
import { createMergeActivities } from './merge/merge-activities.js';
import type { BuildRequest, CiFixRequest, ProcessorPort, StartResult } from '../domain/processor-port.js';
import type { ReconcileGitHub } from './github/reconcile-targets.js';
import { createSetupActivities, type SetupResult } from './setup/setup-activities.js';
import { createUnitActivities } from './unit/unit-activities.js';
import type { SetupSettings } from '../domain/setup.js';
import { createReconcileActivities } from './reconcile-activities.js';
import { createRepoConfigActivities } from './repo-config-activities.js';
import { createUnitBranchCleanupActivities } from './git/unit-branch-cleanup.js';
import { createWorkflowStateActivities } from './workflow-state-activities.js';
import type { AidpMetrics } from '../metrics/metrics.js';
import type { SandboxSettings } from '../sandbox/settings.js';
import { createOutcomeMetricActivities } from './outcome-metrics.js';
import { recordAgentRun, recordChecks } from './recorded-metrics.js';
import { GITHUB_NOT_CONFIGURED } from '../domain/failure-types.js';

export interface ActivityDeps {
  workDir: string;
  logger: Logger;
  /** Names of env variables that never reach an agent (the app's key, secret, tokens). */
  secretEnvNames: string[];
  /** Values that never reach an agent, whatever variable holds them. */
  secretValues: string[];
  /** How agents and checks are isolated. */
  sandbox: SandboxSettings;
  /** An installation's GitHub client; absent when no GitHub App is configured. */
  octokitFor?: (installationId: number) => Promise<GitHubClient>;
  /** This GitHub App's id: its own comments (plans) are told from other apps' by it. */
  appId?: number;
  /** GitHub as the app and as its installations, for reconcile passes. */
  reconcileGitHub?: ReconcileGitHub;
  /** Temporal, for activities that query workflows (the live status comment). */
  temporalClient?: Client;
  /** Starts a build for an issue that never had one (reconcile). */
  startBuildIfNew?: (request: BuildRequest) => Promise<StartResult>;
  /** Whether an issue ever had a build (reconcile: no refusal note on an issue already built). */
  buildExists?: (request: Pick<BuildRequest, 'owner' | 'repo' | 'issueNumber'>) => Promise<boolean>;
  /** The webhook processors, for DeliveryWorkflow's activity (labels, commands, reviews). */
  processors?: ProcessorPort;
  /** What a DeliveryWorkflow's activity runs: handlers/deferred.ts's runDeferredDelivery. */
  runDelivery?: DeliveryHandler;
  /** Starts a CI fix for a failed aidp PR (reconcile). */
  startCiFix?: (request: CiFixRequest) => Promise<StartResult>;
  /** aidp's metrics in this process, when it serves /metrics. */
  metrics?: AidpMetrics;
  /** Extra environment for every git command (e.g. `url.<base>.insteadOf` via GIT_CONFIG_*). */
  gitEnv?: Record<string, string>;
  /** The credential helper and its environment, for git's fetch, push and ls-remote only. */
  gitRemote?: GitRemoteAccess;
}

/** What the GitHub activities call: Probot's Octokit satisfies it. */
export type GitHubClient = Awaited<ReturnType<GitHubActivityDeps['octokitFor']>> & CommentClient & CheckRunClient & PlanClient;

function hostActivities(deps: ActivityDeps & { hostQueue: string }) {
  const gitDeps = { workDir: deps.workDir, logger: deps.logger, gitEnv: deps.gitEnv, gitRemote: deps.gitRemote };
  const git = createGitActivities(gitDeps);
  const measured = measuredAgentAndChecks(deps);
  const setup = createSetupActivities({
    workDir: deps.workDir,
    runChecks: measured.runChecks,
    prepareWorktree: git.prepareWorktree,
    removeWorktree: git.removeWorktree,
    untrackedPaths: git.untrackedPaths,
  });
  const prepareWorktree = withSetup(git.prepareWorktree, setup.runSetup);
  const { prepareUnit, runAgent, finishUnit, discardUnit, runIteration } = createUnitActivities({
    workDir: deps.workDir,
    hostQueue: deps.hostQueue,
    git,
    prepareWorktree,
    executeAgent: measured.executeAgent,
    runChecks: measured.runChecks,
    logger: deps.logger,
  });
  return {
    // Git work heartbeats from a timer; agents and checks heartbeat from their own process loop.
    ...heartbeatAll(git),
    ...heartbeatAll(createRepoConfigActivities({ ensureMirror: git.ensureMirror, git: openActivityGit(gitDeps).git })),
    ...heartbeatAll(createMergeActivities(gitDeps)),
    ...heartbeatAll(createUnitBranchCleanupActivities({ ensureMirror: git.ensureMirror, git: openActivityGit(gitDeps).git })),
    ...createSummaryFileActivities({ workDir: deps.workDir }),
    ...measured,
    // The checks activity (a unit's or a merge's; the baseline calls them inside its own activity).
    async runChecks(input: Parameters<typeof measured.runChecks>[0]) {
      faultPoint('checks-running');
      return measured.runChecks(input);
    },
    ...heartbeatAll(setup),
    // A unit's worktree and its setup in one activity: one hop fewer per unit. An iteration
    // (agent, checks, finish) is one activity too; its agent and checks heartbeat as well.
    ...heartbeatAll({ prepareWorktree, finishUnit, discardUnit, runIteration }),
    // The agent heartbeats from its own process loop.
    runAgent,
    /** Not served on the host queue: see agentQueue below. */
    prepareUnit: heartbeatAll({ prepareUnit }).prepareUnit,
    /** Not served on the host queue either: the baseline on whichever host takes it. */
    checkBaselineOnAnyHost: heartbeatAll({
      async checkBaselineOnAnyHost(input: Parameters<typeof setup.checkBaseline>[0]) {
        return { hostQueue: deps.hostQueue, ...(await setup.checkBaseline(input)) };
      },
    }).checkBaselineOnAnyHost,
  };
}

/**
 * prepareWorktree that also runs `setup` in the new worktree when asked. A failed setup is
 * returned (`setup.ok` false), never thrown: the activity is not retried for it.
 */
function withSetup(
  prepare: ReturnType<typeof createGitActivities>['prepareWorktree'],
  runSetup: ReturnType<typeof createSetupActivities>['runSetup'],
) {
  return async (
    input: Parameters<typeof prepare>[0] & { setup?: SetupSettings; fillCache?: boolean },
  ): Promise<Awaited<ReturnType<typeof prepare>> & { setup?: SetupResult }> => {
    const { setup, fillCache, ...rest } = input;
    const worktree = await prepare(rest);
    if (!setup) return worktree;
    const result = await runSetup({ worktreePath: worktree.worktreePath, remoteUrl: rest.remoteUrl, setup, fillCache });
    return { ...worktree, setup: result };
  };
}

/** Agents and checks, with their durations observed into the metrics. */
function measuredAgentAndChecks(deps: ActivityDeps) {
  const shared = { workDir: deps.workDir, sandbox: deps.sandbox, secretEnvNames: deps.secretEnvNames, secretValues: deps.secretValues };
  const agents = createAgentActivities(shared);
  const checks = createCheckActivities(shared);
  return {
    ...agents,
    async executeAgent(input: Parameters<typeof agents.executeAgent>[0]) {
      const run = await agents.executeAgent(input);
      recordAgentRun(deps.metrics, run);
      return run;
    },
    async runChecks(input: Parameters<typeof checks.runChecks>[0]) {
      const results = await checks.runChecks(input);
      recordChecks(deps.metrics, results);
      return results;
    },
  };
}

function orchestratorActivities(deps: ActivityDeps) {
  const agents = createAgentActivities({
    workDir: deps.workDir,
    sandbox: deps.sandbox,
    secretEnvNames: deps.secretEnvNames,
    secretValues: deps.secretValues,
  });
  const octokitFor: (installationId: number) => Promise<GitHubClient> =
    deps.octokitFor ??
    (async () => {
      throw ApplicationFailure.nonRetryable('no GitHub App is configured (APP_ID, PRIVATE_KEY)', GITHUB_NOT_CONFIGURED);
    });
  return {
    ...createDecomposeActivities({ askAgent: agents.askAgentForText }),
    ...createGitHubActivities({ octokitFor }),
    ...createCommentActivities({ octokitFor }),
    ...createCheckRunActivities({ octokitFor }),
    ...createBuildCheckRunActivities({ octokitFor }),
    ...createReviewActivities({ octokitFor }),
    ...createPlanActivities({ octokitFor, appId: deps.appId }),
    ...createFeatureStatusActivities({ client: deps.temporalClient }),
    ...createWorkflowStateActivities({ client: deps.temporalClient }),
    ...createOutcomeMetricActivities({ metrics: deps.metrics }),
    ...createDeliveryActivities({ octokitFor: deps.octokitFor, processors: deps.processors, runDelivery: deps.runDelivery, logger: deps.logger, appId: deps.appId }),
    ...createReconcileActivities({
      github: deps.reconcileGitHub,
      appId: deps.appId,
      startBuildIfNew: deps.startBuildIfNew,
      buildExists: deps.buildExists,
      startCiFix: deps.startCiFix,
    }),
  };
}

/** Activities by the queue that runs them (see temporal/worker-factory.ts). */
export function createActivities(deps: ActivityDeps & { hostQueue: string }) {
  const { prepareUnit, checkBaselineOnAnyHost, ...host } = hostActivities(deps);
  return {
    orchestrator: orchestratorActivities(deps),
    // Whichever worker takes a unit's prepare (or a feature's baseline) from the shared queue becomes its host.
    agentQueue: { ...createHostClaimActivities({ hostQueue: deps.hostQueue }), prepareUnit, checkBaselineOnAnyHost },
    host,
    /** Kills agents a dead worker of this work dir left behind, before new work starts. */
    reapOrphans: () => reapOrphanedProcessGroups(join(deps.workDir, 'agents')),
  };
}

/** What workflows see, as types only. */
export type HostActivities = Omit<ReturnType<typeof hostActivities>, 'prepareUnit' | 'checkBaselineOnAnyHost'>;
export type OrchestratorActivities = ReturnType<typeof orchestratorActivities>;
export type AgentQueueActivities = ReturnType<typeof createActivities>['agentQueue'];
