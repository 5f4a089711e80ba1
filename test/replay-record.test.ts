import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ProbotOctokit } from 'probot';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import nock from 'nock';
import { simpleGit } from 'simple-git';
import { deliveryWorkflowId, githubWorkflowId } from '../src/github/workflow-ids.js';
import { createTemporalProcessors, type TemporalProcessors } from '../src/processors/temporal-processors.js';
import { ORCHESTRATOR_QUEUE } from '../src/domain/task-queues.js';
import { cancelSignal, retryFailedUpdate } from '../src/workflows/feature-orchestration/messages.js';
import { orchestrationStatusQuery } from '../src/domain/feature-status.js';
import { starts, waitFor } from './support/agent-log.js';
import { SCRIPTED_AGENT } from './support/cli.js';
import { localCloneEnv } from './support/github-harness.js';
import { startHarness, type Harness } from './support/harness.js';
import { historiesOf, isRecorded, recordHistories, RECORDING } from './support/recorded-histories.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';
import { APP_ID, blockNetwork, fixture, GITHUB_API, startTestApp, type TestApp } from './support/webhooks.js';

// Records, from today's workflow code, one set of histories per kind of run (every execution of
// the run, children and later runs included) for test/replay.test.ts to replay against every later
// workflow change. Runs only with AIDP_RECORD_HISTORIES=1, and only the kinds not recorded yet:
// recorded histories are never re-recorded (a changed scenario is recorded under a new kind).
//   AIDP_RECORD_HISTORIES=1 npm run jest -- test/replay-record.test.ts

const INSTALLATION = 4545;
const CLONE_BASE = 'https://github.com/local-record/';
const HEAD = 'aidp/widgets/feature';
const octokit = () => new ProbotOctokit({ auth: { token: 'ghs_worker' }, retry: { enabled: false }, throttle: { enabled: false } });
const agent = (flags: string) => [{ preset: 'command' as const, command: `node ${SCRIPTED_AGENT} ${flags}`, args: [] }];

const describeRecording = RECORDING ? describe : describe.skip;
/** A scenario of a kind already recorded is skipped: its files stay as they are. */
const recordingOf = (kind: string) => (isRecorded(kind) ? it.skip : it);

/** A repo on a branch `HEAD` that holds the PR's work so far, as an aidp feature PR would. */
async function repoWithPullRequest(aidpYml: string): Promise<{ repo: string; headSha: string }> {
  const repo = await createTestRepo({ aidpYml });
  const git = simpleGit(repo);
  await git.checkout(['-b', HEAD]);
  writeFileSync(join(repo, 'feature.txt'), 'the feature so far\n');
  await git.add('.');
  await git.commit('feature so far');
  const headSha = (await git.revparse(['HEAD'])).trim();
  await git.checkout('main');
  return { repo, headSha };
}

/** `aidp-build` added by a writer, alice, to an issue whose body is a task list. */
function labelled(repo: string, issue: number, units: string[]) {
  const payload = fixture('issues.labeled');
  payload.issue.number = issue;
  payload.label.name = 'aidp-build';
  payload.sender.login = 'alice';
  payload.sender.type = 'User';
  payload.issue.title = 'Widgets';
  payload.issue.body = taskListSpec('Widgets', units);
  payload.repository.clone_url = `${CLONE_BASE}${basename(repo)}`;
  payload.repository.default_branch = 'main';
  payload.installation = { id: INSTALLATION };
  return payload;
}

function pullRequest(repo: string, headSha: string) {
  return {
    owner: 'octo-org',
    repo: 'widgets',
    installationId: INSTALLATION,
    cloneUrl: `${CLONE_BASE}${basename(repo)}`,
    defaultBranch: 'main',
    prNumber: 9,
    headBranch: HEAD,
    headSha,
    baseBranch: 'main',
  };
}

describeRecording('recording histories for the replay test', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  let processors: TemporalProcessors;
  let app: TestApp | undefined;
  beforeAll(async () => {
    blockNetwork();
    bundle = await bundleWorkflows();
    harness = await startHarness({
      bundle,
      octokitFor: async () => octokit(),
      appId: APP_ID,
      reconcileGitHub: { app: async () => octokit(), installation: async () => octokit() },
      gitEnv: localCloneEnv(CLONE_BASE),
    });
    processors = createTemporalProcessors({ client: harness.client });
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    nock.cleanAll();
  });
  afterAll(async () => {
    await harness?.close();
    nock.enableNetConnect();
  });

  /**
   * Records every execution of every run under `workflowId` (a retried build has two, each the
   * first of its own continue-as-new chain), oldest first, children included; returns how many.
   */
  async function record(kind: string, scenario: string, workflowId: string): Promise<number> {
    const runs = [];
    for await (const run of harness.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(run);
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const histories = [];
    for (const run of runs) {
      const first = (await harness.client.workflow.getHandle(workflowId, run.runId).fetchHistory()).events?.[0];
      if (first?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId) continue;
      histories.push(...(await historiesOf(harness.client, workflowId, run.runId)));
    }
    return recordHistories(kind, scenario, histories).length;
  }

  recordingOf('build')('records a build from a signed label delivery through to its feature PR', async () => {
    app = await startTestApp({ deps: { processors } });
    const repo = await createTestRepo({
      aidpYml: `max_iterations: 1\nagents:\n  providers:\n    - preset: command\n      command: node ${SCRIPTED_AGENT} --write\nchecks:\n  test:\n    command: node scripts/check-units.mjs\n`,
    });
    const payload = labelled(repo, 130, ['Part one']);
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const api = nock(GITHUB_API)
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .reply(201, { token: 'ghs_app', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get(`/repos/${owner}/${name}/collaborators/alice/permission`)
      .reply(200, { permission: 'write' })
      .get(`/repos/${owner}/${name}/issues/130/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/issues/130/comments`)
      .reply(201, { id: 1301, html_url: 'https://github.com/c/1301' })
      .get(`/repos/${owner}/${name}/pulls`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/pulls`)
      .reply(201, { number: 131, html_url: `https://github.com/${owner}/${name}/pull/131`, head: { ref: 'x' } })
      .post(`/repos/${owner}/${name}/check-runs`)
      .reply(201, { id: 1311, html_url: 'https://github.com/runs/1311' })
      .patch(`/repos/${owner}/${name}/issues/comments/1301`)
      .reply(200, { id: 1301 });

    expect((await app.deliver('issues', payload)).status).toBe(200);
    const buildId = githubWorkflowId({ owner, repo: name, number: 130, kind: 'build' });
    expect(await harness.client.workflow.getHandle(buildId).result()).toMatchObject({ status: 'completed', prUrl: `https://github.com/${owner}/${name}/pull/131` });
    api.done();
    // The build, its feature, the unit, its loop and the merge.
    expect(await record('build', 'aidp-build label (signed delivery) → one-unit feature → feature PR with a check run', buildId)).toBe(5);
  });

  recordingOf('build-retried')('records a build whose failed unit `/aidp retry` ran again after it ended, then opened the PR', async () => {
    app = await startTestApp({ deps: { processors } });
    const marker = join(agentIoDir('marker'), 'fixed');
    const repo = await createTestRepo({
      aidpYml: [
        'concurrency: 2',
        'max_iterations: 1',
        'merge:\n  threshold: 0.8',
        'agents:',
        '  providers:',
        '    - preset: command',
        `      command: node ${SCRIPTED_AGENT} --write --fail-units part-two --fixed-marker ${marker}`,
        'checks:',
        '  test:',
        '    command: node scripts/check-units.mjs',
        '',
      ].join('\n'),
    });
    const payload = labelled(repo, 150, ['Part one', 'Part two']);
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    // Probot keeps the token and the permission may be asked again for the retry comment: kept for both deliveries.
    const first = nock(GITHUB_API)
      .persist()
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .reply(201, { token: 'ghs_app', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get(`/repos/${owner}/${name}/collaborators/alice/permission`)
      .reply(200, { permission: 'write' })
      .get(`/repos/${owner}/${name}/issues/150/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/issues/150/comments`)
      .reply(201, { id: 1501, html_url: 'https://github.com/c/1501' })
      .patch(`/repos/${owner}/${name}/issues/comments/1501`)
      .reply(200, { id: 1501 });
    expect((await app.deliver('issues', payload)).status).toBe(200);
    const buildId = githubWorkflowId({ owner, repo: name, number: 150, kind: 'build' });
    expect(await harness.client.workflow.getHandle(buildId).result()).toMatchObject({ status: 'insufficient_merges', statusCommentId: 1501 });

    const comment = fixture('issue_comment.created');
    comment.comment.id = 1502;
    comment.comment.body = '/aidp retry';
    comment.comment.user = { ...comment.comment.user, login: 'alice', type: 'User' };
    comment.sender = { ...comment.sender, login: 'alice', type: 'User' };
    comment.issue = { ...comment.issue, number: 150, pull_request: undefined };
    comment.repository = payload.repository;
    comment.installation = { id: INSTALLATION };
    const second = nock(GITHUB_API)
      .post(`/repos/${owner}/${name}/issues/comments/1502/reactions`, { content: '+1' })
      .reply(201, {})
      .get(`/repos/${owner}/${name}/pulls`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/pulls`)
      .reply(201, { number: 151, html_url: `https://github.com/${owner}/${name}/pull/151`, head: { ref: 'x' } })
      .post(`/repos/${owner}/${name}/check-runs`)
      .reply(201, { id: 1511, html_url: 'https://github.com/runs/1511' });
    writeFileSync(marker, 'fixed');
    expect((await app.deliver('issue_comment', comment)).status).toBe(200);
    await waitFor(async () => {
      const runs = [];
      for await (const run of harness.client.workflow.list({ query: `WorkflowId = "${buildId}"` })) runs.push(run);
      return runs.length === 2;
    }, 30_000, 'the retry run');
    expect(await harness.client.workflow.getHandle(buildId).result()).toMatchObject({ status: 'completed', prUrl: `https://github.com/${owner}/${name}/pull/151` });
    first.done();
    second.done();
    // Run 1: build, feature, two units, their loops, merge; run 2: build, feature, part two again, its loop, merge.
    expect(await record('build-retried', 'aidp-build, 2 units, one fails (merge threshold 0.8: no PR) → `/aidp retry` on the issue after the build ended → the failed unit again → PR', buildId)).toBe(12);
  });

  recordingOf('plan')('records a plan of a task list posted as one plan comment', async () => {
    const repo = await createTestRepo();
    const api = nock(GITHUB_API)
      .get('/repos/octo-org/widgets/issues/140/comments')
      .query(true)
      .reply(200, [])
      .post('/repos/octo-org/widgets/issues/140/comments')
      .reply(201, { id: 1401 })
      .post('/repos/octo-org/widgets/issues/140/labels', { labels: ['aidp-ready'] })
      .reply(200, [])
      .delete('/repos/octo-org/widgets/issues/140/labels/aidp-needs-input')
      .reply(404, { message: 'Label does not exist' });
    const { workflowId } = await processors.startPlan({
      owner: 'octo-org',
      repo: 'widgets',
      installationId: INSTALLATION,
      cloneUrl: `${CLONE_BASE}${basename(repo)}`,
      defaultBranch: 'main',
      issueNumber: 140,
      title: 'Widgets',
      body: taskListSpec('Widgets', ['Make the widget', 'Test the widget']),
      requestedBy: 'alice',
    });
    expect(await harness.client.workflow.getHandle(workflowId).result()).toEqual({ status: 'ready', units: 2 });
    api.done();
    expect(await record('plan', 'aidp-plan on an issue with a two-item task list → plan comment, aidp-ready label', workflowId)).toBe(1);
  });

  recordingOf('review')('records a review of a pull request written by the agent', async () => {
    const reviewFile = join(agentIoDir('review'), 'review.md');
    writeFileSync(reviewFile, 'feature.txt:1 needs a test.');
    const { repo, headSha } = await repoWithPullRequest(
      `agents:\n  providers:\n    - preset: command\n      command: node ${SCRIPTED_AGENT} --json ${reviewFile}\n`,
    );
    const api = nock(GITHUB_API)
      .get('/repos/octo-org/widgets/pulls/9')
      .matchHeader('accept', /json/)
      .reply(200, { title: 'Widgets', body: 'Adds widgets' })
      .get('/repos/octo-org/widgets/pulls/9')
      .matchHeader('accept', /diff/)
      .reply(200, 'diff --git a/feature.txt b/feature.txt\n+the feature so far\n')
      .post('/repos/octo-org/widgets/pulls/9/reviews')
      .reply(200, { id: 91 });
    const { workflowId } = await processors.startReview({ ...pullRequest(repo, headSha), requestedBy: 'alice' });
    expect(await harness.client.workflow.getHandle(workflowId).result()).toEqual({ reviewId: 91 });
    api.done();
    expect(await record('review', '/aidp review on a PR → one COMMENT review from the agent', workflowId)).toBe(1);
  });

  recordingOf('pr-work')('records a change request applied and pushed on a pull request branch', async () => {
    const { repo, headSha } = await repoWithPullRequest(
      `max_iterations: 1\nagents:\n  providers:\n    - preset: command\n      command: node ${SCRIPTED_AGENT} --write\nchecks:\n  test:\n    command: node scripts/check-units.mjs\n`,
    );
    const api = nock(GITHUB_API)
      .post('/repos/octo-org/widgets/check-runs')
      .reply(201, { id: 95 })
      .patch('/repos/octo-org/widgets/check-runs/95')
      .reply(200, { id: 95 })
      .post('/repos/octo-org/widgets/issues/9/comments')
      .reply(201, { id: 96, html_url: 'https://github.com/c/96' });
    const { workflowId } = await processors.startChangeRequest({ ...pullRequest(repo, headSha), requestedBy: 'alice', instruction: 'Rename the thing.' });
    expect(await harness.client.workflow.getHandle(workflowId).result()).toMatchObject({ status: 'pushed', iterations: 1 });
    api.done();
    expect(await record('pr-work', '/aidp change request on a PR → one agent iteration, checks, push, check run and reply', workflowId)).toBeGreaterThanOrEqual(1);
  });

  recordingOf('reconcile')('records a reconcile pass over one installed repository with nothing missed', async () => {
    const api = nock(GITHUB_API)
      .get('/app/installations')
      .query(true)
      .times(2)
      .reply(200, [{ id: INSTALLATION }])
      .get('/installation/repositories')
      .query(true)
      .times(2)
      .reply(200, { total_count: 1, repositories: [{ name: 'gadgets', owner: { login: 'octo-org' }, clone_url: `${CLONE_BASE}gadgets`, default_branch: 'main' }] })
      .get('/repos/octo-org/gadgets/contents/.github%2Faidp.yml')
      .query(true)
      .reply(404, { message: 'Not Found' })
      .get('/repos/octo-org/gadgets/issues')
      .query(true)
      .reply(200, [])
      .get('/repos/octo-org/gadgets/pulls')
      .query(true)
      .reply(200, []);
    const workflowId = `aidp-reconcile-record-${Date.now()}`;
    const result = await harness.client.workflow.execute('ReconcileWorkflow', { workflowId, taskQueue: ORCHESTRATOR_QUEUE, args: [{ buildLabel: 'aidp-build' }] });
    expect(result).toEqual({ checked: 0, started: [] });
    api.done();
    expect(await record('reconcile', 'one reconcile pass: one installation, one repository, no labelled issue, no PR', workflowId)).toBe(1);
  });

  recordingOf('pull-closed')('records the cleanup of a merged feature PR that deletes its unit branches', async () => {
    const repo = await createTestRepo();
    await simpleGit(repo).branch(['aidp/issue-160-widgets/part-one']);
    const { workflowId } = await processors.featurePullClosed({
      owner: 'octo-org',
      repo: 'widgets',
      installationId: INSTALLATION,
      cloneUrl: `${CLONE_BASE}${basename(repo)}`,
      defaultBranch: 'main',
      prNumber: 161,
      issueNumber: 160,
      featureSlug: 'issue-160-widgets',
      merged: true,
    });
    expect(await harness.client.workflow.getHandle(workflowId).result()).toEqual({ deleted: ['aidp/issue-160-widgets/part-one'], policy: 'on_close' });
    expect(await record('pull-closed', 'feature PR merged, no build running → its one unit branch deleted (cleanup on_close)', workflowId)).toBe(1);
  });

  recordingOf('delivery')('records the delivery of a label that is no trigger, which ends quietly', async () => {
    app = await startTestApp({ deps: { processors, deliveries: processors } });
    const repo = await createTestRepo();
    const payload = labelled(repo, 170, ['Part one']);
    payload.label.name = 'documentation';
    const deliveryId = randomUUID();
    // The repository's own trigger labels, read by the worker: it has none.
    const api = nock(GITHUB_API)
      .get(`/repos/${payload.repository.owner.login}/${payload.repository.name}/contents/.github%2Faidp.yml`)
      .query({ ref: 'main' })
      .reply(404, { message: 'Not Found' });
    expect((await app.deliver('issues', payload, { deliveryId })).status).toBe(200);
    const workflowId = deliveryWorkflowId(payload.repository.owner.login as string, payload.repository.name as string, deliveryId);
    expect(await harness.client.workflow.getHandle(workflowId).result()).toBe('ignored');
    api.done();
    expect(await record('delivery', 'issues.labeled with a label that is no trigger → DeliveryWorkflow, one activity, ignored', workflowId)).toBe(1);
  });

  recordingOf('refusal-window')('records a refusal window that held its id, then closed', async () => {
    const workflowId = 'aidp/gh/octo-org/widgets/issue-180/refusal/mallory';
    await harness.client.workflow.execute('RefusalWindowWorkflow', { workflowId, taskQueue: ORCHESTRATOR_QUEUE, args: [{ windowMs: 1000 }] });
    expect(await record('refusal-window', 'a 1 s refusal window (one timer)', workflowId)).toBe(1);
  });

  recordingOf('feature-continued')('records a feature that continued as new when Temporal suggested it', async () => {
    const repo = await createTestRepo();
    const titles = Array.from({ length: 10 }, (_, i) => `Long part ${i + 1}`);
    const handle = await harness.startFeature(repo, taskListSpec('Continue me', titles), { providers: agent('--write'), concurrency: 2, maxIterations: 1 });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'completed', completed: titles.length });
    const histories = await historiesOf(harness.client, handle.workflowId);
    // The test server suggests continue-as-new after 120 events (test/global-setup.mjs).
    expect(histories.filter((h) => h.workflowId === handle.workflowId).length).toBeGreaterThan(1);
    recordHistories('feature-continued', `local feature, ${titles.length} units at concurrency 2, continued as new (server limit 120 events)`, histories);
  });

  recordingOf('feature-cancelled')('records a feature cancelled while its agents ran', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    const handle = await harness.startFeature(repo, taskListSpec('Cancel me', ['Part one', 'Part two']), {
      providers: agent(`--write --sleep 60000 --log ${logDir}`),
      concurrency: 2,
      maxIterations: 1,
    });
    await waitFor(() => starts(logDir).length === 2, 30_000, 'both agents');
    await handle.signal(cancelSignal);
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    // The feature, two units and their loops.
    expect(await record('feature-cancelled', 'local feature, 2 units, cancel signal while both agents ran', handle.workflowId)).toBe(5);
  });

  recordingOf('feature-units')('records a feature whose units run as UnitWorkflow: one passes, one fails', async () => {
    const repo = await createTestRepo();
    const handle = await harness.startFeature(repo, taskListSpec('One workflow per unit', ['Part one', 'Part two']), {
      providers: agent('--write --fail-units part-one'),
      concurrency: 2,
      maxIterations: 2,
    });
    expect(await handle.result()).toMatchObject({ completed: 1, failed: 1 });
    // The feature, its two units (one workflow each, no loop child) and the merge of the one that passed.
    expect(await record('feature-units', 'local feature, 2 units as UnitWorkflow: part one fails twice, part two passes', handle.workflowId)).toBe(4);
  });

  recordingOf('feature-units-one-step')('records a feature whose units run each iteration as one step: one passes, one fails', async () => {
    const repo = await createTestRepo();
    const handle = await harness.startFeature(repo, taskListSpec('One step per iteration', ['Part one', 'Part two']), {
      providers: agent('--write --fail-units part-one'),
      concurrency: 2,
      maxIterations: 2,
    });
    expect(await handle.result()).toMatchObject({ completed: 1, failed: 1 });
    // The feature, its two units (prepare, then agent + checks + finish in one activity) and the merge.
    expect(await record('feature-units-one-step', 'local feature, 2 units, each iteration one activity: part one fails twice, part two passes', handle.workflowId)).toBe(4);
  });

  recordingOf('feature-retried')('records a feature whose failed unit was retried by retry_failed while it ran', async () => {
    const repo = await createTestRepo();
    const marker = join(agentIoDir('marker'), 'fixed');
    const handle = await harness.startFeature(repo, taskListSpec('Retry me', ['Part one', 'Part two']), {
      providers: agent(`--write --sleep 2500 --fail-units part-one --fixed-marker ${marker}`),
      concurrency: 1,
      maxIterations: 1,
    });
    // Part one fails first; part two, still running, keeps the run open for the update.
    await waitFor(async () => (await handle.query(orchestrationStatusQuery)).failed === 1, 60_000, 'part one to fail');
    writeFileSync(marker, 'fixed');
    expect(await handle.executeUpdate(retryFailedUpdate, { args: [['part-one']] })).toEqual(['part-one']);
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'completed', completed: 2 });
    // The feature, part one's two runs, part two, their loops, the merge.
    expect(await record('feature-retried', 'local feature, 2 units at concurrency 1, the first fails, retry_failed update while the second runs', handle.workflowId)).toBe(8);
  });
});
