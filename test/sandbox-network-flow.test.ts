import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { bundleWorkflows } from './support/temporal.js';
import { scriptedProviders } from './support/scripted-agent.js';

const AIDP_YML = [
  'max_iterations: 2',
  'checks:',
  '  test:',
  '    command: node scripts/check-units.mjs',
  '    timeout_seconds: 60',
  'sandbox:',
  '  network:',
  '    allow: [api.anthropic.com, registry.npmjs.org]',
  '    checks_allow: [registry.npmjs.org]',
  '',
].join('\n');

/** The network policies (`network`, and an iteration's `checkNetwork`) of every scheduled activity of these types, across the feature's workflows. */
async function networksOf(client: Client, featureId: string, types: string[]): Promise<Record<string, unknown[]>> {
  const found: Record<string, unknown[]> = Object.fromEntries(types.map((t) => [t, []]));
  for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH "${featureId}"` })) {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      const type = scheduled?.activityType?.name ?? '';
      const data = scheduled?.input?.payloads?.[0]?.data;
      if (!types.includes(type) || !data) continue;
      const { network, checkNetwork } = JSON.parse(Buffer.from(data).toString('utf8')) as { network?: unknown; checkNetwork?: unknown };
      found[type]?.push(checkNetwork === undefined ? { network } : { network, checkNetwork });
    }
  }
  return found;
}

describe('the network policy of a repository', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('reaches every agent, split and check activity of a feature from .github/aidp.yml', async () => {
    const repo = await createTestRepo({ aidpYml: AIDP_YML });
    const handle = await harness.startFeature(repo, taskListSpec('Network policy', ['First part', 'Second part']), {
      providers: scriptedProviders('--write'),
    });
    const result = await handle.result();
    expect(result.status).toBe('completed');

    const networks = await networksOf(harness.client, handle.workflowId, ['decomposeFeature', 'runIteration', 'runChecks']);
    const agents = { allow: ['api.anthropic.com', 'registry.npmjs.org'] };
    const checks = { allow: ['registry.npmjs.org'] };
    expect(networks).toEqual({
      decomposeFeature: [{ network: agents }],
      // Each unit's iteration: its agent, then its checks.
      runIteration: [
        { network: agents, checkNetwork: checks },
        { network: agents, checkNetwork: checks },
      ],
      // The checks after each merge.
      runChecks: [{ network: checks }, { network: checks }],
    });
  });
});
