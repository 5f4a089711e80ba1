import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { slugify } from '../activities/git/slug.js';
import { githubWorkflowId, parseGithubWorkflowId } from '../github/workflow-ids.js';
import type { AidpMetrics } from '../metrics/metrics.js';
import type { BuildRequest, ItemRef, MessageResult, ProcessorPort, PullRequestTarget, StartResult } from '../handlers/processor-port.js';
import type { PullRequestWorkKind } from '../workflows/pr-work/messages.js';
import type { PullRequestWorkWorkflow } from '../workflows/pr-work/workflow.js';
import type { PlanWorkflow } from '../workflows/plan/workflow.js';
import type { ReviewWorkflow } from '../workflows/review/workflow.js';
import { ORCHESTRATOR_QUEUE } from '../temporal/task-queues.js';
import type { BuildProcessorWorkflow } from '../workflows/build-processor/workflow.js';
import { featureIdOf } from '../workflows/build-processor/feature-id.js';
import { statusMarkdown } from '../workflows/build-processor/status-comment.js';
import {
  adjustConcurrencyUpdate,
  cancelSignal,
  orchestrationStatusQuery,
  pauseSignal,
  resumeSignal,
  retryFailedUpdate,
} from '../workflows/feature-orchestration/messages.js';

/** The innermost reason, e.g. an update validator's refusal. */
function reasonOf(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(err);
}

/**
 * The processors on Temporal: each start is a workflow whose id comes from the repository,
 * the issue or PR number and the kind, so a redelivered webhook or a second label finds the
 * running workflow instead of starting another.
 */
/** `ci_fix.max_attempts` can be at most this (see the repo config schema). */
const MAX_CI_FIX_ATTEMPTS = 20;

export interface TemporalProcessors extends ProcessorPort {
  /** For reconcile: starts a build only when the issue never had one (running or finished). */
  startBuildIfNew(request: BuildRequest): Promise<StartResult>;
}

export function createTemporalProcessors(deps: {
  client: Client;
  uiUrlOf?: (workflowId: string) => string | undefined;
  /** How often, at most, a build's status comment is edited (default 30 s). */
  statusEveryMs?: number;
  /** Counts the workflows started (`aidp_workflows_started_total`). */
  metrics?: Pick<AidpMetrics, 'workflowsStarted'>;
  /** A ceiling on CI fix runs per failing head commit; the repo's `ci_fix.max_attempts` applies below it. */
  ciFixAttempts?: number;
}): TemporalProcessors {
  const { client } = deps;

  async function start(workflowId: string, run: () => Promise<unknown>): Promise<StartResult> {
    try {
      await run();
      deps.metrics?.workflowsStarted.inc({ workflow: parseGithubWorkflowId(workflowId)?.kind ?? 'other' });
      return { workflowId, started: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
      throw err;
    }
  }

  /** Commands on an issue act on its build's feature; PRs map to the issue only in a later version. */
  function featureHandle(item: ItemRef) {
    const buildId = githubWorkflowId({ owner: item.owner, repo: item.repo, number: item.number, kind: 'build' });
    return client.workflow.getHandle(featureIdOf(buildId));
  }

  async function message(item: ItemRef, act: (handle: ReturnType<typeof featureHandle>) => Promise<void>): Promise<MessageResult> {
    if (item.isPullRequest) {
      return { delivered: false, reason: 'send this command on the issue the feature was built from' };
    }
    const handle = featureHandle(item);
    try {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return { delivered: false, reason: 'the aidp build of this issue has finished' };
      await act(handle);
      return { delivered: true, workflowId: handle.workflowId };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { delivered: false, reason: 'there is no aidp build on this issue yet' };
      return { delivered: false, reason: reasonOf(err) };
    }
  }

  const startPullRequestWork = (workflowId: string, request: PullRequestTarget & { kind: PullRequestWorkKind; instruction: string; reviewId?: number; requestedBy?: string; attempt: number }) =>
    client.workflow.start<typeof PullRequestWorkWorkflow>('PullRequestWorkWorkflow', {
      workflowId,
      taskQueue: ORCHESTRATOR_QUEUE,
      args: [
        {
          kind: request.kind,
          owner: request.owner,
          repo: request.repo,
          installationId: request.installationId,
          cloneUrl: request.cloneUrl,
          defaultBranch: request.defaultBranch,
          prNumber: request.prNumber,
          headBranch: request.headBranch,
          headSha: request.headSha,
          instruction: request.instruction,
          reviewId: request.reviewId,
          requestedBy: request.requestedBy,
          attempt: request.attempt,
        },
      ],
    });

  const processors: TemporalProcessors = {
    async startBuildIfNew(request: BuildRequest) {
      const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.issueNumber, kind: 'build' });
      try {
        await client.workflow.getHandle(workflowId).describe();
        return { workflowId, started: false };
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      return processors.startBuild(request);
    },
    async startBuild(request: BuildRequest) {
      const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.issueNumber, kind: 'build' });
      return start(workflowId, () =>
        client.workflow.start<typeof BuildProcessorWorkflow>('BuildProcessorWorkflow', {
          workflowId,
          taskQueue: ORCHESTRATOR_QUEUE,
          args: [
            {
              owner: request.owner,
              repo: request.repo,
              issueNumber: request.issueNumber,
              installationId: request.installationId,
              cloneUrl: request.cloneUrl,
              defaultBranch: request.defaultBranch,
              title: request.title,
              body: request.body,
              featureSlug: `issue-${request.issueNumber}-${slugify(request.title, 30)}`,
              requestedBy: request.requestedBy,
              uiUrl: deps.uiUrlOf?.(workflowId),
              decomposeCwd: '',
              statusEveryMs: deps.statusEveryMs ?? 30_000,
            },
          ],
        }),
      );
    },
    async startPlan(request) {
      const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.issueNumber, kind: 'plan' });
      return start(workflowId, () =>
        client.workflow.start<typeof PlanWorkflow>('PlanWorkflow', {
          workflowId,
          taskQueue: ORCHESTRATOR_QUEUE,
          args: [
            {
              owner: request.owner,
              repo: request.repo,
              installationId: request.installationId,
              cloneUrl: request.cloneUrl,
              defaultBranch: request.defaultBranch,
              issueNumber: request.issueNumber,
              title: request.title,
              body: request.body,
            },
          ],
        }),
      );
    },
    async startReview(request) {
      const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.prNumber, kind: 'review' });
      return start(workflowId, () =>
        client.workflow.start<typeof ReviewWorkflow>('ReviewWorkflow', {
          workflowId,
          taskQueue: ORCHESTRATOR_QUEUE,
          args: [
            {
              owner: request.owner,
              repo: request.repo,
              installationId: request.installationId,
              cloneUrl: request.cloneUrl,
              defaultBranch: request.defaultBranch,
              prNumber: request.prNumber,
              agentCwd: '',
            },
          ],
        }),
      );
    },
    async startCiFix(request) {
      // One id per head commit: at most ciFixAttempts runs for the same failing commit.
      const workflowId = `${githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.prNumber, kind: 'ci-fix' })}/${request.headSha.slice(0, 12)}`;
      let attempts = 0;
      for await (const _run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) attempts++;
      // The workflow stops at the repository's ci_fix.max_attempts; this is the hard ceiling.
      if (attempts >= (deps.ciFixAttempts ?? MAX_CI_FIX_ATTEMPTS)) return { workflowId, started: false };
      return start(workflowId, () => startPullRequestWork(workflowId, { ...request, kind: 'ci-fix', instruction: '', attempt: attempts + 1 }));
    },
    async startChangeRequest(request) {
      const workflowId = githubWorkflowId({ owner: request.owner, repo: request.repo, number: request.prNumber, kind: 'change-request' });
      return start(workflowId, () => startPullRequestWork(workflowId, { ...request, kind: 'change-request', attempt: 1 }));
    },
    signalFeature: (request) =>
      message(request, (handle) =>
        handle.signal(request.signal === 'pause' ? pauseSignal : request.signal === 'resume' ? resumeSignal : cancelSignal),
      ),
    retry: (request) => message(request, async (handle) => void (await handle.executeUpdate(retryFailedUpdate, { args: [request.units] }))),
    setConcurrency: (request) =>
      message(request, async (handle) => void (await handle.executeUpdate(adjustConcurrencyUpdate, { args: [request.concurrency] }))),
    async status(item) {
      if (item.isPullRequest) return undefined;
      const handle = featureHandle(item);
      try {
        const description = await handle.describe();
        const status = description.status.name === 'RUNNING' ? await handle.query(orchestrationStatusQuery) : await handle.result();
        return statusMarkdown(status, { uiUrl: deps.uiUrlOf?.(handle.workflowId) });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
  };
  return processors;
}
