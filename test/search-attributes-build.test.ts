import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { basename } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import nock from 'nock';
import { AIDP_ISSUE, AIDP_KIND, AIDP_REPOSITORY, AIDP_REQUESTER } from '../src/domain/search-attributes.js';
import { createTemporalProcessors } from '../src/processors/temporal-processors.js';
import { featureIdOf } from '../src/github/workflow-ids.js';
import { waitFor } from './support/agent-log.js';
import { startGitHubHarness } from './support/github-harness.js';
import type { Harness } from './support/harness.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { bundleWorkflows } from './support/temporal.js';
import { blockNetwork, GITHUB_API } from './support/webhooks.js';

const INSTALLATION = 4343;
/** GitHub clone URLs of this host are rewritten by git itself to the test repos in the temp dir. */
const CLONE_BASE = 'https://github.com/local-test/';

describe('search attributes on a GitHub build', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  beforeAll(async () => {
    blockNetwork();
    bundle = await bundleWorkflows();
    harness = await startGitHubHarness(bundle, CLONE_BASE);
  });
  afterAll(async () => {
    await harness?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('the feature a build starts carries the repository, issue and requester of the build and the issue title', async () => {
    const repo = await createTestRepo();
    const name = basename(repo);
    const api = nock(GITHUB_API)
      .get(`/repos/local-test/${name}/issues/17/comments`)
      .query(true)
      .reply(200, [])
      .post(`/repos/local-test/${name}/issues/17/comments`)
      .reply(201, { id: 601, html_url: 'https://github.com/c/601' });
    const { workflowId } = await createTemporalProcessors({ client: harness.client }).startBuild({
      owner: 'local-test',
      repo: name,
      installationId: INSTALLATION,
      cloneUrl: `${CLONE_BASE}${name}`,
      defaultBranch: 'main',
      issueNumber: 17,
      title: 'Searchable widgets',
      body: taskListSpec('Searchable widgets', ['Part one']),
      requestedBy: 'alice',
    });

    const feature = harness.client.workflow.getHandle(featureIdOf(workflowId));
    const description = await waitFor(
      () => feature.describe().catch((err: unknown) => (err instanceof WorkflowNotFoundError ? undefined : Promise.reject(err))),
      60_000,
      'the feature child',
    );
    await harness.client.workflow.getHandle(workflowId).terminate('test done');
    api.done();
    const attrs = description.typedSearchAttributes;
    expect([attrs.get(AIDP_REPOSITORY), attrs.get(AIDP_ISSUE), attrs.get(AIDP_KIND), attrs.get(AIDP_REQUESTER)]).toEqual([
      `local-test/${name.toLowerCase()}`,
      17,
      'feature',
      'alice',
    ]);
    expect(await description.staticSummary()).toBe('Searchable widgets');
  });
});
