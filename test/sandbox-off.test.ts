import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { finalComment } from '../src/workflows/build-processor/final-comment.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { bundleWorkflows } from './support/temporal.js';
import { scriptedProviders } from './support/scripted-agent.js';

const WARNING = /ran their agents \*\*without a sandbox\*\* \(`AIDP_SANDBOX=off` on the worker\)/;

describe('AIDP_SANDBOX=off', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ bundle: await bundleWorkflows(), sandbox: { enabled: false } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('runs the agents unsandboxed, and the build result and its final comment say so', async () => {
    const repo = await createTestRepo();
    // Unsandboxed, the agent sees the worker's own environment (filtered of the app's secrets).
    const handle = await harness.startFeature(repo, taskListSpec('Unsandboxed', ['Plain run']), {
      providers: scriptedProviders('--write --require-env JEST_WORKER_ID'),
      maxIterations: 1,
    });
    const result = await handle.result();

    expect(result.status).toBe('completed');
    expect(result.unit_details.map((u) => u.unsandboxed)).toEqual([true]);
    expect(finalComment(result)).toMatch(WARNING);
  });

});

// After the unsandboxed harness has stopped: workers of both would share the task queues.
describe('AIDP_SANDBOX=on', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ bundle: await bundleWorkflows() });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('marks nothing, and the agent does not see the worker environment', async () => {
    const repo = await createTestRepo();
    const handle = await harness.startFeature(repo, taskListSpec('Sandboxed', ['Plain run']), {
      providers: scriptedProviders('--write --assert-no-secrets JEST_WORKER_ID'),
      maxIterations: 1,
    });
    const result = await handle.result();

    expect(result.status).toBe('completed');
    expect(result.unit_details.map((u) => u.unsandboxed)).toEqual([undefined]);
    expect(finalComment(result)).not.toMatch(WARNING);
  });
});
