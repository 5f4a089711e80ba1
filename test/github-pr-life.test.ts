import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import nock from 'nock';
import { simpleGit } from 'simple-git';
import { githubWorkflowId } from '../src/github/workflow-ids.js';
import { createTemporalProcessors } from '../src/processors/temporal-processors.js';
import { featureIdOf } from '../src/github/workflow-ids.js';
import type { BuildResult } from '../src/workflows/build-processor/messages.js';
import type { FeatureResult } from '../src/workflows/feature-orchestration/messages.js';
import type {  } from '../src/domain/feature-status.js';
import { orchestrationStatusQuery } from '../src/domain/feature-status.js';
import type { PullClosedResult } from '../src/workflows/pull-closed/messages.js';
import { buildLabelled, repoWithScriptedAgent, startGitHubHarness } from './support/github-harness.js';
import type { Harness } from './support/harness.js';
import { taskListSpec } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';
import { APP_ID, blockNetwork, fixture, GITHUB_API, startTestApp, type TestApp } from './support/webhooks.js';
import { waitFor } from './support/wait-for.js';

const INSTALLATION = 4545;
/** GitHub clone URLs of this host are rewritten by git itself to the test repos in the temp dir. */
const CLONE_BASE = 'https://github.com/local-pr-life/';
const uiUrlOf = (workflowId: string) => `http://ui.test/${encodeURIComponent(workflowId)}`;

function repoWith(agentArgs: string, threshold = 0.5, extraYml: string[] = []): Promise<string> {
  return repoWithScriptedAgent(agentArgs, [...extraYml, `merge:\n  threshold: ${threshold}`]);
}

function labeled(repo: string, issue: number) {
  return buildLabelled({ repo, cloneBase: CLONE_BASE, installation: INSTALLATION, issue, spec: taskListSpec('Widgets', ['Part one', 'Part two']) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function prClosed(labelPayload: any, opts: { prNumber: number; issue: number; merged: boolean }) {
  const payload = fixture('pull_request.closed');
  const repoId = labelPayload.repository.id as number;
  payload.repository = labelPayload.repository;
  payload.installation = { id: INSTALLATION };
  payload.pull_request.number = opts.prNumber;
  payload.pull_request.merged = opts.merged;
  payload.pull_request.head = { ...payload.pull_request.head, ref: `aidp/issue-${opts.issue}-widgets/feature`, repo: { ...payload.pull_request.head.repo, id: repoId } };
  payload.pull_request.base = { ...payload.pull_request.base, ref: 'main', repo: { ...payload.pull_request.base.repo, id: repoId } };
  return payload;
}

async function branchesOf(repo: string): Promise<string[]> {
  return (await simpleGit(repo).branchLocal()).all.sort();
}

/** A GitHub that grants alice write access and keeps the issue's status comment `commentId`. */
function githubForIssue(owner: string, name: string, issue: number, commentId: number, edits: string[]) {
  return nock(GITHUB_API)
    .persist()
    .post(`/app/installations/${INSTALLATION}/access_tokens`)
    .reply(201, { token: 'ghs_app', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
    .get(`/repos/${owner}/${name}/collaborators/alice/permission`)
    .reply(200, { permission: 'write' })
    .get(`/repos/${owner}/${name}/issues/${issue}/comments`)
    .query(true)
    .reply(200, [])
    .post(`/repos/${owner}/${name}/issues/${issue}/comments`)
    .reply(201, { id: commentId, html_url: `https://github.com/c/${commentId}` })
    .patch(`/repos/${owner}/${name}/issues/comments/${commentId}`, (b: { body: string }) => Boolean(edits.push(b.body)))
    .reply(200, { id: commentId });
}

describe("the feature PR's check run and life on GitHub", () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  let app: TestApp;
  beforeAll(async () => {
    blockNetwork();
    bundle = await bundleWorkflows();
    harness = await startGitHubHarness(bundle, CLONE_BASE);
  });
  afterEach(async () => {
    await app?.stop();
    nock.cleanAll();
  });
  afterAll(async () => {
    await harness?.close();
    nock.enableNetConnect();
  });

  it('completes an aidp check run on the PR with the units table, and its Re-run retries the failed unit under a check run in progress', async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client, uiUrlOf }), appId: APP_ID } });
    const marker = join(agentIoDir('marker'), 'fixed');
    const repo = await repoWith(`--write --fail-units part-two --fixed-marker ${marker}`);
    const payload = labeled(repo, 401);
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const runs = `/repos/${owner}/${name}/check-runs`;
    const prUrl = `https://github.com/${owner}/${name}/pull/41`;
    const buildId = githubWorkflowId({ owner, repo: name, number: 401, kind: 'build' });
    const edits: string[] = [];
    const created: Array<Record<string, unknown>> = [];
    const patched: Array<Record<string, unknown>> = [];
    const api = githubForIssue(owner, name, 401, 4001, edits);
    const first = nock(GITHUB_API)
      .get(`/repos/${owner}/${name}/pulls`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/pulls`)
      .reply(201, { number: 41, html_url: prUrl, head: { ref: 'x' } })
      .post(runs, (b: Record<string, unknown>) => Boolean(created.push(b)))
      .reply(201, { id: 5001, html_url: 'https://github.com/runs/5001' });

    await app.deliver('issues', payload);
    expect(await harness.client.workflow.getHandle(buildId).result()).toMatchObject({ status: 'partial', prUrl });
    const before: FeatureResult = await harness.client.workflow.getHandle(featureIdOf(buildId)).result();
    first.done();
    expect(created[0]).toMatchObject({
      name: 'aidp',
      head_sha: before.merge?.headSha,
      external_id: '401',
      details_url: uiUrlOf(buildId),
      status: 'completed',
      conclusion: 'failure',
      output: { title: '1 of 2 units merged' },
      actions: [{ label: 'Retry failed units', identifier: 'retry_failed', description: 'Run the failed units again' }],
    });
    expect(String((created[0]?.output as { summary: string }).summary)).toMatch(/\| \*\*Part two\*\* \(part-two\) \| failed \| 1 \|/);
    expect(edits.at(-1)).toContain('[check run](https://github.com/runs/5001)');

    const second = nock(GITHUB_API)
      .get(`/repos/${owner}/${name}/pulls/41`)
      .reply(200, { number: 41, state: 'open', head: { ref: before.featureBranch, sha: before.merge?.headSha } })
      .post(runs, (b: Record<string, unknown>) => Boolean(created.push(b)))
      .times(2)
      .reply(201, (_uri, body) => {
        const id = (body as { status: string }).status === 'in_progress' ? 5002 : 5003;
        return { id, html_url: `https://github.com/runs/${id}` };
      })
      .get(`/repos/${owner}/${name}/pulls`)
      .query(true)
      .reply(200, [{ number: 41, html_url: prUrl, head: { ref: before.featureBranch }, created_at: '2026-11-23T00:00:00Z' }])
      .patch(`/repos/${owner}/${name}/pulls/41`)
      .reply(200, { number: 41, html_url: prUrl, head: { ref: before.featureBranch } });
    // Followed while it runs (at most every 30 s), then superseded: the retry pushed a new head.
    const inProgress = nock(GITHUB_API)
      .persist()
      .patch(`${runs}/5002`, (b: Record<string, unknown>) => Boolean(patched.push(b)))
      .reply(200, { id: 5002 });
    writeFileSync(marker, 'fixed');
    const rerun = fixture('check_run.completed');
    rerun.action = 'rerequested';
    rerun.repository = payload.repository;
    rerun.installation = { id: INSTALLATION };
    rerun.sender = { ...rerun.sender, login: 'alice', type: 'User' };
    rerun.check_run = { ...rerun.check_run, id: 5001, name: 'aidp', external_id: '401', app: { ...rerun.check_run.app, id: APP_ID } };
    expect((await app.deliver('check_run', rerun)).status).toBe(200);

    const retried: BuildResult = await harness.client.workflow.getHandle(buildId).result();
    const after: FeatureResult = await harness.client.workflow.getHandle(featureIdOf(buildId)).result();
    second.done();
    inProgress.done();
    api.done();
    expect(retried).toMatchObject({ status: 'completed', prUrl });
    expect(after.merge?.merged.sort()).toEqual(['part-one', 'part-two']);
    expect(created[1]).toMatchObject({ name: 'aidp', head_sha: before.merge?.headSha, external_id: '401', status: 'in_progress' });
    expect(patched.at(-1)).toMatchObject({ status: 'completed', conclusion: 'neutral', output: { title: 'Superseded' } });
    expect(created[2]).toMatchObject({ head_sha: after.merge?.headSha, status: 'completed', conclusion: 'success', output: { title: '2 of 2 units merged' }, actions: [] });
    expect(edits.at(-1)).toContain('[check run](https://github.com/runs/5003)');
  });

  it('cancels the running build of a feature PR closed without merge, then deletes its unit branches only', async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client }) } });
    const repo = await repoWith('--sleep 600000');
    await simpleGit(repo).branch(['aidp/issue-402-widgets/part-one']);
    await simpleGit(repo).branch(['aidp/issue-402-widgets/feature']);
    const payload = labeled(repo, 402);
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const buildId = githubWorkflowId({ owner, repo: name, number: 402, kind: 'build' });
    const edits: string[] = [];
    const api = githubForIssue(owner, name, 402, 4002, edits);

    await app.deliver('issues', payload);
    const feature = harness.client.workflow.getHandle(featureIdOf(buildId));
    await waitFor(async () => ((await feature.query(orchestrationStatusQuery).catch(() => undefined))?.in_progress ?? 0) > 0, 60_000, 'a unit to run');
    expect((await app.deliver('pull_request', prClosed(payload, { prNumber: 42, issue: 402, merged: false }))).status).toBe(200);

    expect(await harness.client.workflow.getHandle(buildId).result()).toMatchObject({ status: 'cancelled' });
    const cleanup: PullClosedResult = await harness.client.workflow.getHandle(`${buildId}/pull-closed`).result();
    api.done();
    expect(cleanup).toEqual({ deleted: ['aidp/issue-402-widgets/part-one'], policy: 'on_close' });
    expect(await branchesOf(repo)).toEqual(['aidp/issue-402-widgets/feature', 'main']);
    expect(edits.at(-1)).toContain('**Cancelled, no PR');
  });

  it("deletes a merged feature PR's unit branches and no one else's branch", async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client }) } });
    const repo = await repoWith('--noop');
    for (const branch of ['aidp/issue-403-widgets/part-one', 'aidp/issue-403-widgets/part-two', 'aidp/issue-403-widgets/feature', 'aidp/issue-4030-other/part-one', 'people/notes']) {
      await simpleGit(repo).branch([branch]);
    }
    const payload = labeled(repo, 403);
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const api = nock(GITHUB_API);

    expect((await app.deliver('pull_request', prClosed(payload, { prNumber: 43, issue: 403, merged: true }))).status).toBe(200);

    const buildId = githubWorkflowId({ owner, repo: name, number: 403, kind: 'build' });
    const cleanup: PullClosedResult = await harness.client.workflow.getHandle(`${buildId}/pull-closed`).result();
    api.done();
    expect(cleanup.deleted.sort()).toEqual(['aidp/issue-403-widgets/part-one', 'aidp/issue-403-widgets/part-two']);
    expect(await branchesOf(repo)).toEqual(['aidp/issue-403-widgets/feature', 'aidp/issue-4030-other/part-one', 'main', 'people/notes']);
  });

  it('keeps the unit branches of a feature PR closed without merge when the repository says on_merge', async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client }) } });
    const repo = await repoWith('--noop', 0.5, ['cleanup:', '  delete_unit_branches: on_merge']);
    await simpleGit(repo).branch(['aidp/issue-404-widgets/part-one']);
    const payload = labeled(repo, 404);
    const api = nock(GITHUB_API);

    expect((await app.deliver('pull_request', prClosed(payload, { prNumber: 44, issue: 404, merged: false }))).status).toBe(200);

    const buildId = githubWorkflowId({ owner: payload.repository.owner.login as string, repo: payload.repository.name as string, number: 404, kind: 'build' });
    const cleanup: PullClosedResult = await harness.client.workflow.getHandle(`${buildId}/pull-closed`).result();
    api.done();
    expect(cleanup).toEqual({ deleted: [], policy: 'on_merge' });
    expect(await branchesOf(repo)).toEqual(['aidp/issue-404-widgets/part-one', 'main']);
  });
});
