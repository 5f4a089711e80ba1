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
import { agentIoDir } from './support/sandbox.js';
import { buildLabelled, repoWithScriptedAgent, startGitHubHarness } from './support/github-harness.js';
import type { Harness } from './support/harness.js';
import { taskListSpec } from './support/repos.js';
import { bundleWorkflows } from './support/temporal.js';
import { blockNetwork, fixture, GITHUB_API, startTestApp, type TestApp } from './support/webhooks.js';

const INSTALLATION = 4343;
/** GitHub clone URLs of this host are rewritten by git itself to the test repos in the temp dir. */
const CLONE_BASE = 'https://github.com/local-retry/';

/** Two units; "part-two" fails until the marker file exists. */
async function repoWithFailingUnit(marker: string, threshold: number): Promise<string> {
  return repoWithScriptedAgent(`--write --fail-units part-two --fixed-marker ${marker}`, [`merge:\n  threshold: ${threshold}`]);
}

function labeled(repo: string, issue: number) {
  return buildLabelled({ repo, cloneBase: CLONE_BASE, installation: INSTALLATION, issue, spec: taskListSpec('Widgets', ['Part one', 'Part two']) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function retryComment(labelPayload: any, opts: { number: number; commentId: number; onPullRequest: boolean }) {
  const comment = fixture('issue_comment.created');
  comment.comment.id = opts.commentId;
  comment.comment.body = '/aidp retry';
  comment.comment.user = { ...comment.comment.user, login: 'alice', type: 'User' };
  comment.sender = { ...comment.sender, login: 'alice', type: 'User' };
  comment.issue = { ...comment.issue, number: opts.number, pull_request: opts.onPullRequest ? { url: 'https://api.github.com/x' } : undefined };
  comment.repository = labelPayload.repository;
  comment.installation = { id: INSTALLATION };
  return comment;
}

/** The unit files on a branch of the test repo (the "remote" the worker pushed to). */
async function unitFilesOn(repo: string, branch: string): Promise<string[]> {
  const listing = await simpleGit(repo).raw(['ls-tree', '-r', '--name-only', branch, 'units']);
  return listing.split('\n').filter((line) => line !== '');
}

describe('`/aidp retry` after a GitHub build has finished', () => {
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

  it('on the issue, runs the failed unit again and opens one PR holding both units, in the same status comment', async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client }) } });
    const marker = join(agentIoDir('marker'), 'fixed');
    const repo = await repoWithFailingUnit(marker, 0.8);
    const payload = labeled(repo, 301);
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const edits: string[] = [];
    let created = '';
    let prBody = '';
    const api = nock(GITHUB_API)
      .persist()
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .reply(201, { token: 'ghs_app', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get(`/repos/${owner}/${name}/collaborators/alice/permission`)
      .reply(200, { permission: 'write' })
      .get(`/repos/${owner}/${name}/issues/301/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/issues/301/comments`, (b: { body: string }) => Boolean((created = b.body)))
      .reply(201, { id: 3001, html_url: 'https://github.com/c/3001' })
      .patch(`/repos/${owner}/${name}/issues/comments/3001`, (b: { body: string }) => Boolean(edits.push(b.body)))
      .reply(200, { id: 3001 });

    await app.deliver('issues', payload);
    const buildId = githubWorkflowId({ owner, repo: name, number: 301, kind: 'build' });
    const first: BuildResult = await harness.client.workflow.getHandle(buildId).result();
    expect(first).toMatchObject({ status: 'insufficient_merges', statusCommentId: 3001 });
    expect(first.prUrl).toBeUndefined();
    expect(created).toMatch(/aidp is building this issue/);
    const firstFinal = edits.at(-1) ?? '';
    expect(firstFinal).toContain('**No PR: 1 of 2 units merged, below the 80% threshold.**');
    expect(firstFinal).toContain('comment `/aidp retry` on this issue to run `part-two` again');

    const second = nock(GITHUB_API)
      .post(`/repos/${owner}/${name}/issues/comments/3101/reactions`, { content: '+1' })
      .reply(201, {})
      .get(`/repos/${owner}/${name}/pulls`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/pulls`, (b: { body: string }) => Boolean((prBody = b.body)))
      .reply(201, { number: 31, html_url: `https://github.com/${owner}/${name}/pull/31`, head: { ref: 'x' } })
      .post(`/repos/${owner}/${name}/check-runs`)
      .reply(201, { id: 6031, html_url: 'https://github.com/runs/6031' });
    writeFileSync(marker, 'fixed');
    expect((await app.deliver('issue_comment', retryComment(payload, { number: 301, commentId: 3101, onPullRequest: false }))).status).toBe(200);

    const runs = [];
    for await (const run of harness.client.workflow.list({ query: `WorkflowId = "${buildId}"` })) runs.push(run);
    expect(runs).toHaveLength(2);
    const retried: BuildResult = await harness.client.workflow.getHandle(buildId).result();
    const feature: FeatureResult = await harness.client.workflow.getHandle(featureIdOf(buildId)).result();

    expect(retried).toMatchObject({ status: 'completed', prUrl: `https://github.com/${owner}/${name}/pull/31`, statusCommentId: 3001 });
    expect(feature.merge?.merged.sort()).toEqual(['part-one', 'part-two']);
    expect(await unitFilesOn(repo, feature.featureBranch)).toHaveLength(2);
    expect(prBody).toMatch(/\*\*Part one\*\* \(part-one\) \| completed \| merged \| 1 \| test ✓ \|/);
    expect(prBody).toMatch(/\*\*Part two\*\* \(part-two\) \| completed \| merged \| 2 \| test ✓ \|/);
    expect(edits.some((body) => body.startsWith('aidp is running unit `part-two` again for @alice'))).toBe(true);
    expect(edits.at(-1)).toContain(`**PR [#31](https://github.com/${owner}/${name}/pull/31) opened: 2 of 2 units merged** into \`${feature.featureBranch}\`.`);
    expect(edits.at(-1)).toMatch(/Feature branch `[^`]+` · \[pull request #31\]\([^)]+\) · \[check run\]\(https:\/\/github.com\/runs\/6031\) · took \d+s/);
    api.done();
    second.done();
  });

  it('on the feature PR, runs the failed unit again and updates that PR', async () => {
    app = await startTestApp({ deps: { processors: createTemporalProcessors({ client: harness.client }) } });
    const marker = join(agentIoDir('marker'), 'fixed');
    const repo = await repoWithFailingUnit(marker, 0.5);
    const payload = labeled(repo, 302);
    const owner = payload.repository.owner.login as string;
    const name = payload.repository.name as string;
    const repoId = payload.repository.id as number;
    const prUrl = `https://github.com/${owner}/${name}/pull/32`;
    const edits: string[] = [];
    const prBodies: string[] = [];
    const api = nock(GITHUB_API)
      .persist()
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .reply(201, { token: 'ghs_app', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get(`/repos/${owner}/${name}/collaborators/alice/permission`)
      .reply(200, { permission: 'write' })
      .get(`/repos/${owner}/${name}/issues/302/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/issues/302/comments`)
      .reply(201, { id: 3002, html_url: 'https://github.com/c/3002' })
      .patch(`/repos/${owner}/${name}/issues/comments/3002`, (b: { body: string }) => Boolean(edits.push(b.body)))
      .reply(200, { id: 3002 });
    const opened = nock(GITHUB_API)
      .get(`/repos/${owner}/${name}/pulls`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${owner}/${name}/pulls`, (b: { body: string }) => Boolean(prBodies.push(b.body)))
      .reply(201, { number: 32, html_url: prUrl, head: { ref: 'x' } })
      .post(`/repos/${owner}/${name}/check-runs`)
      .reply(201, { id: 6032, html_url: 'https://github.com/runs/6032' });

    await app.deliver('issues', payload);
    const buildId = githubWorkflowId({ owner, repo: name, number: 302, kind: 'build' });
    expect(await harness.client.workflow.getHandle(buildId).result()).toMatchObject({ status: 'partial', prUrl });
    const before: FeatureResult = await harness.client.workflow.getHandle(featureIdOf(buildId)).result();
    opened.done();
    expect(edits.at(-1)).toContain(`**PR [#32](${prUrl}) opened: 1 of 2 units merged**`);
    expect(edits.at(-1)).toContain('comment `/aidp retry` on this issue or on the pull request to run `part-two` again');
    expect(prBodies[0]).toMatch(/\(part-two\) \| failed \| not merged \| 1 \| - \|/);

    const head = { ref: before.featureBranch, sha: 'a'.repeat(40), repo: { id: repoId } };
    const updated = nock(GITHUB_API)
      .get(`/repos/${owner}/${name}/pulls/32`)
      .reply(200, { number: 32, title: 'Widgets', body: '', head, base: { ref: 'main', sha: 'b'.repeat(40), repo: { id: repoId } } })
      .post(`/repos/${owner}/${name}/issues/comments/3202/reactions`, { content: '+1' })
      .reply(201, {})
      .get(`/repos/${owner}/${name}/pulls`)
      .query(true)
      .reply(200, [{ number: 32, html_url: prUrl, head: { ref: before.featureBranch }, created_at: '2026-11-23T00:00:00Z' }])
      .patch(`/repos/${owner}/${name}/pulls/32`, (b: { body: string }) => Boolean(prBodies.push(b.body)))
      .reply(200, { number: 32, html_url: prUrl, head: { ref: before.featureBranch } });
    // The retry's check run: in progress on the PR's head, superseded there, completed on the new head.
    const checks = nock(GITHUB_API)
      .get(`/repos/${owner}/${name}/pulls/32`)
      .reply(200, { number: 32, state: 'open', head })
      .post(`/repos/${owner}/${name}/check-runs`)
      .times(2)
      .reply(201, { id: 3210, html_url: 'https://github.com/runs/3210' });
    const checkEdits = nock(GITHUB_API).persist().patch(`/repos/${owner}/${name}/check-runs/3210`).reply(200, { id: 3210 });
    writeFileSync(marker, 'fixed');
    expect((await app.deliver('issue_comment', retryComment(payload, { number: 32, commentId: 3202, onPullRequest: true }))).status).toBe(200);

    const retried: BuildResult = await harness.client.workflow.getHandle(buildId).result();
    const after: FeatureResult = await harness.client.workflow.getHandle(featureIdOf(buildId)).result();

    expect(retried).toMatchObject({ status: 'completed', prUrl });
    expect(after.merge?.pr).toEqual({ number: 32, url: prUrl, created: false });
    expect(after.featureBranch).toBe(before.featureBranch);
    expect(await unitFilesOn(repo, after.featureBranch)).toHaveLength(2);
    expect(prBodies[1]).toMatch(/\(part-two\) \| completed \| merged \| 2 \| test ✓ \|/);
    expect(edits.at(-1)).toContain(`**PR [#32](${prUrl}) updated: 2 of 2 units merged**`);
    api.done();
    updated.done();
    checks.done();
    checkEdits.done();
  });
});
