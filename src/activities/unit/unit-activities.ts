import type { Logger } from 'pino';
import type { NetworkPolicy } from '../../domain/network-policy.js';
import type { AgentRunResult, ExecuteAgentInput } from '../agent/agent-activities.js';
import type { CheckResult, NamedCheckConfig } from '../checks/check-activities.js';
import { faultPoint } from '../fault-point.js';
import type { createGitActivities } from '../git/git-activities.js';
import type { SetupResult } from '../setup/setup-activities.js';
import type { SetupSettings } from '../../domain/setup.js';
import { StepJournal, type StepWhere } from './step-journal.js';

type GitActivities = ReturnType<typeof createGitActivities>;

export interface PrepareUnitInput extends StepWhere {
  remoteUrl: string;
  baseBranch: string;
  branch: string;
  setup?: SetupSettings;
  fillCache?: boolean;
}

export interface PreparedUnit {
  /** The queue of the host that made the worktree: every later step of the unit runs there. */
  hostQueue: string;
  worktreePath: string;
  baseSha: string;
  branch: string;
  setup?: SetupResult;
}

export interface RunAgentInput extends ExecuteAgentInput, StepWhere {
  baseSha: string;
  /** Never counted as changes: the setup cache's paths. */
  keepOut?: string[];
}

/** The agent's outcome and, when it succeeded, the files that now differ from the base. */
export type AgentStepResult = AgentRunResult & { changedFiles: string[]; resumed?: true };

export interface FinishUnitInput extends StepWhere {
  worktreePath: string;
  message: string;
  keepOut?: string[];
  branch: string;
  remoteUrl: string;
}

/** Committed and pushed, or nothing to commit (null); the worktree is gone either way. */
export type FinishedUnit = { sha: string; filesChanged: string[] } | null;

export interface RunIterationInput extends RunAgentInput {
  checks: NamedCheckConfig[];
  checkNetwork?: NetworkPolicy;
  /** How the unit is committed and pushed when its required checks pass in this iteration. */
  finish: Pick<FinishUnitInput, 'message' | 'branch' | 'remoteUrl'>;
}

export interface IterationOutcome {
  agent: AgentStepResult;
  /** The checks' results; none when the agent failed or changed nothing. */
  checks?: CheckResult[];
  /** Present when every required check passed: the unit was finished in this step (its worktree is gone). */
  finished?: { commit: FinishedUnit };
}

/** True when every required check passed (a check that could not start did not pass). */
const requiredChecksPassed = (results: CheckResult[]): boolean => results.every((r) => r.passed || !r.required);

const FINISHED = 'finished';

/**
 * A unit's pipeline in three coarse steps: prepare (any host takes it, and the unit is then
 * pinned to that host), agent (changed files in its result), finish (commit, push, clean up).
 * Steps that finished are journalled on the host before they report, so a worker restarted there
 * never runs a finished agent again.
 */
export function createUnitActivities(deps: {
  workDir: string;
  hostQueue: string;
  git: GitActivities;
  prepareWorktree: (input: PrepareUnitInput) => Promise<{ worktreePath: string; baseSha: string; branch: string; setup?: SetupResult }>;
  executeAgent: (input: ExecuteAgentInput) => Promise<AgentRunResult>;
  runChecks: (input: { worktreePath: string; checks: NamedCheckConfig[]; network?: NetworkPolicy }) => Promise<CheckResult[]>;
  logger: Logger;
}) {
  const journal = StepJournal.under(deps.workDir);
  const where = ({ featureSlug, unitSlug }: StepWhere): StepWhere => ({ featureSlug, unitSlug });

  /** One agent run in the unit's worktree; an agent that already exited on this host is not run again. */
  async function runAgent(input: RunAgentInput): Promise<AgentStepResult> {
    const key = `agent-${input.promptKey}`;
    const recorded = await journal.read<AgentStepResult>(where(input), key);
    if (recorded) {
      deps.logger.info({ unitId: input.unitId, iteration: input.iteration }, 'this agent already ran on this host; its recorded outcome is used');
      return { ...recorded, resumed: true };
    }
    const { featureSlug: _f, unitSlug: _u, baseSha, keepOut, ...agentInput } = input;
    const run = await deps.executeAgent(agentInput);
    const changedFiles = run.ok ? await deps.git.changedFiles({ worktreePath: input.worktreePath, baseSha, ...(keepOut ? { keepOut } : {}) }) : [];
    const result: AgentStepResult = { ...run, changedFiles };
    await journal.write(where(input), key, result);
    faultPoint('after-agent-exit');
    return result;
  }

  /** Commit, push the unit branch, remove the worktree; run again after a crash, it finishes what is left. */
  async function finishUnit(input: FinishUnitInput): Promise<FinishedUnit> {
    const done = await journal.read<{ result: FinishedUnit }>(where(input), FINISHED);
    if (!done) {
      const commit = await deps.git.commitAll({
        worktreePath: input.worktreePath,
        message: input.message,
        ...(input.keepOut?.length ? { keepOut: input.keepOut } : {}),
      });
      if (commit) await deps.git.pushBranch({ worktreePath: input.worktreePath, branch: input.branch, remoteUrl: input.remoteUrl, sha: commit.sha });
      await journal.write(where(input), FINISHED, { result: commit });
    }
    await deps.git.removeWorktree({ worktreePath: input.worktreePath });
    return done?.result ?? (await journal.read<{ result: FinishedUnit }>(where(input), FINISHED))?.result ?? null;
  }

  return {
    /** Runs on the shared agent queue: whichever worker takes it becomes the unit's host (the claim). */
    async prepareUnit(input: PrepareUnitInput): Promise<PreparedUnit> {
      await journal.clear(where(input));
      const prepared = await deps.prepareWorktree(input);
      return { hostQueue: deps.hostQueue, ...prepared };
    },

    runAgent,
    finishUnit,

    /**
     * One iteration as one step: agent, then (when it changed files) the checks, then (when the
     * required ones pass) finish. Run again after its worker restarted, it goes on from the last
     * thing journalled: a finished agent is not run again, checks that were interrupted are, and
     * a finish picks up where it stopped.
     */
    async runIteration(input: RunIterationInput): Promise<IterationOutcome> {
      const { checks, checkNetwork, finish, ...agentInput } = input;
      const agent = await runAgent(agentInput);
      if (!agent.ok || agent.changedFiles.length === 0) return { agent };
      // Checks that passed are journalled before the finish: run again after a crash during the
      // finish, the step goes on with the finish rather than checking a worktree that may be gone.
      const passedKey = `checks-passed-${input.promptKey}`;
      let results = (await journal.read<{ results: CheckResult[] }>(where(input), passedKey))?.results;
      if (!results) {
        faultPoint('checks-running');
        results = await deps.runChecks({ worktreePath: input.worktreePath, checks, ...(checkNetwork ? { network: checkNetwork } : {}) });
        if (!requiredChecksPassed(results)) return { agent, checks: results };
        await journal.write(where(input), passedKey, { results });
      }
      faultPoint('before-finish');
      const commit = await finishUnit({
        featureSlug: input.featureSlug,
        unitSlug: input.unitSlug,
        worktreePath: input.worktreePath,
        ...finish,
        ...(input.keepOut?.length ? { keepOut: input.keepOut } : {}),
      });
      return { agent, checks: results, finished: { commit } };
    },
    /** Removes a unit's worktree and what its steps recorded (a unit that failed or was cancelled). */
    async discardUnit(input: StepWhere & { worktreePath: string }): Promise<void> {
      await deps.git.removeWorktree({ worktreePath: input.worktreePath });
      await journal.clear(where(input));
    },
  };
}
