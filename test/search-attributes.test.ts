import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import Long from 'long';
import { AIDP_ISSUE, AIDP_KIND, AIDP_REPOSITORY, AIDP_REQUESTER, childRunOptions } from '../src/domain/search-attributes.js';
import { startFeature } from '../src/features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../src/features/local-feature.js';
import { localUser } from '../src/features/local-user.js';
import { createTemporalProcessors } from '../src/processors/temporal-processors.js';
import { ensureSearchAttributes, SearchAttributesMissingError } from '../src/temporal/search-attribute-registry.js';
import { terminateRunningWorkflows } from './support/cleanup.js';
import { waitFor } from './support/agent-log.js';
import { runCli, SCRIPTED_AGENT } from './support/cli.js';
import { freeMetricsPort } from './support/free-port.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';
import { bundleWorkflows, connectToTestServer, testServerAddress, type TestTemporal } from './support/temporal.js';

/** A namespace of its own on the run's dev server: it has none of aidp's search attributes. */
async function freshNamespace(client: Client): Promise<string> {
  const namespace = `aidp-sa-${randomUUID().slice(0, 8)}`;
  await client.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
  // A new namespace answers once the server's namespace cache has it.
  await waitFor(
    () => client.connection.operatorService.listSearchAttributes({ namespace }).then(() => true, () => false),
    30_000,
    `namespace ${namespace}`,
  );
  return namespace;
}

// Each test has its own workflows or namespace: they run at once (the `aidp run` one takes longest).
describe('search attributes and summaries on aidp workflows', () => {
  let temporal: TestTemporal;
  beforeAll(async () => {
    temporal = await connectToTestServer();
  });
  afterAll(async () => {
    await terminateRunningWorkflows(temporal.client);
    await temporal?.close();
  });

  it.concurrent('a build started by the processor carries its repository, issue, kind, requester and the issue title', async () => {
    const owner = `sa-${randomUUID().slice(0, 8)}`;
    const { workflowId } = await createTemporalProcessors({ client: temporal.client }).startBuild({
      owner,
      repo: 'Widgets',
      installationId: 1,
      cloneUrl: 'http://127.0.0.1:9/none.git',
      defaultBranch: 'main',
      issueNumber: 42,
      title: 'Add a dark mode',
      body: '- [ ] dark',
      requestedBy: 'octocat',
    });

    const description = await temporal.client.workflow.getHandle(workflowId).describe();
    const attrs = description.typedSearchAttributes;
    expect([attrs.get(AIDP_REPOSITORY), attrs.get(AIDP_ISSUE), attrs.get(AIDP_KIND), attrs.get(AIDP_REQUESTER)]).toEqual([
      `${owner}/widgets`,
      42,
      'build',
      'octocat',
    ]);
    expect(await description.staticSummary()).toBe('Add a dark mode');
  });

  it.concurrent('a feature started as `aidp run` does carries the directory name, the local user and the feature title', async () => {
    const repoDir = await createTestRepo();
    const feature = await prepareLocalFeature({ repo: await resolveLocalRepo(repoDir), specText: taskListSpec('Local search', ['One']) });
    const handle = await startFeature(temporal.client, feature);

    const description = await handle.describe();
    const attrs = description.typedSearchAttributes;
    expect([attrs.get(AIDP_REPOSITORY), attrs.get(AIDP_ISSUE), attrs.get(AIDP_KIND), attrs.get(AIDP_REQUESTER)]).toEqual([
      basename(repoDir).toLowerCase(),
      undefined,
      'feature',
      localUser(),
    ]);
    expect(await description.staticSummary()).toBe('Local search');
  });

  it('a child keeps its parent repository, issue and requester and gets its own kind and summary', () => {
    const parent = new TypedSearchAttributes([
      { key: AIDP_REPOSITORY, value: 'octo/app' },
      { key: AIDP_ISSUE, value: 7 },
      { key: AIDP_KIND, value: 'feature' },
      { key: AIDP_REQUESTER, value: 'octocat' },
    ]);
    const options = childRunOptions(parent, 'unit', 'Add\nthe  parser');
    expect(new TypedSearchAttributes(options.typedSearchAttributes).getAll()).toEqual(
      new TypedSearchAttributes([
        { key: AIDP_KIND, value: 'unit' },
        { key: AIDP_REPOSITORY, value: 'octo/app' },
        { key: AIDP_ISSUE, value: 7 },
        { key: AIDP_REQUESTER, value: 'octocat' },
      ]).getAll(),
    );
    expect(options.staticSummary).toBe('Add the parser');
  });

  it.concurrent('registers the attributes on a namespace that lacks them, once', async () => {
    const namespace = await freshNamespace(temporal.client);
    expect((await ensureSearchAttributes(temporal.client, namespace)).added.sort()).toEqual(['AidpIssue', 'AidpKind', 'AidpRepository', 'AidpRequester']);
    expect((await ensureSearchAttributes(temporal.client, namespace)).added).toEqual([]);
  });

  it.concurrent('aidp run on a namespace without the attributes registers them and builds the feature', async () => {
    const namespace = await freshNamespace(temporal.client);
    const repoDir = await createTestRepo();
    const env = {
      AIDP_ENGINE: 'temporal',
      TEMPORAL_ADDRESS: testServerAddress(),
      TEMPORAL_NAMESPACE: namespace,
      AIDP_WORKDIR: tempDir('sa-run'),
      AIDP_HOST_ID: `sa-run-${Date.now()}`,
      AIDP_METRICS_PORT: String(await freeMetricsPort()),
    };
    const result = await runCli(['run', '--repo', repoDir, '--text', taskListSpec('Fresh namespace', ['Only part']), '--agent-command', `node ${SCRIPTED_AGENT} --write`, '--json'], env, 120_000);
    expect(result.exitCode).toBe(0);

    const { workflowId } = JSON.parse(result.stdout) as { workflowId: string };
    const client = new Client({ connection: temporal.client.connection, namespace });
    expect((await client.workflow.getHandle(workflowId).describe()).typedSearchAttributes.get(AIDP_KIND)).toBe('feature');
  }, 150_000);

  it.concurrent('a start on a namespace without the attributes fails saying how to register them', async () => {
    const namespace = await freshNamespace(temporal.client);
    const client = new Client({ connection: temporal.client.connection, namespace });
    const repoDir = await createTestRepo();
    const feature = await prepareLocalFeature({ repo: await resolveLocalRepo(repoDir), specText: taskListSpec('Nowhere', ['One']) });

    const failure = await startFeature(client, feature).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(SearchAttributesMissingError);
    expect((failure as Error).message).toContain(`temporal operator search-attribute create --namespace ${namespace} --name AidpRepository --type Keyword`);
  });
});

describe('search attributes on the workflows a feature starts', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('each unit and the merge carry the feature repository and requester, their own kind and their title', async () => {
    const repoDir = await createTestRepo();
    const handle = await harness.startFeature(repoDir, taskListSpec('Children', ['Parse input', 'Print output']), {
      providers: [{ preset: 'command', command: `node ${SCRIPTED_AGENT} --write`, args: [] }],
    });
    expect((await handle.result()).status).toBe('completed');

    const children = [];
    for await (const info of harness.client.workflow.list({ query: `WorkflowId STARTS_WITH "${handle.workflowId}/"` })) {
      if (info.type === 'WorkLoopWorkflow') continue;
      const description = await harness.client.workflow.getHandle(info.workflowId, info.runId).describe();
      const attrs = description.typedSearchAttributes;
      children.push({
        kind: attrs.get(AIDP_KIND),
        repository: attrs.get(AIDP_REPOSITORY),
        requester: attrs.get(AIDP_REQUESTER),
        summary: await description.staticSummary(),
      });
    }
    const repository = basename(repoDir).toLowerCase();
    const requester = localUser();
    expect(children.sort((a, b) => String(a.summary).localeCompare(String(b.summary)))).toEqual([
      { kind: 'merge', repository, requester, summary: 'Merge: Children' },
      { kind: 'unit', repository, requester, summary: 'Parse input' },
      { kind: 'unit', repository, requester, summary: 'Print output' },
    ]);
  });
});
