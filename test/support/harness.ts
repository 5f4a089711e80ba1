import { rmSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { pino } from 'pino';
import { startFeature, type FeatureHandle } from '../../src/features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../../src/features/local-feature.js';
import type { SettingOverrides } from '../../src/workflows/feature-settings.js';
import type { ActivityDeps } from '../../src/activities/index.js';
import type { FeatureInput } from '../../src/workflows/feature-orchestration/messages.js';
import { runDeferredDelivery } from '../../src/handlers/deferred.js';
import { createTemporalProcessors } from '../../src/processors/temporal-processors.js';
import { installRuntime } from '../../src/temporal/runtime.js';
import type { QueueKind } from '../../src/domain/task-queues.js';
import { createAidpWorkers, type AidpWorkers } from '../../src/temporal/worker-factory.js';
import { terminateRunningWorkflows } from './cleanup.js';
import { tempDir } from './repos.js';
import { testSandbox } from './sandbox.js';
import { connectToTestServer, type TestTemporal } from './temporal.js';

export const TEST_SECRETS = {
  PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nMIIEtestkeymaterial\n-----END RSA PRIVATE KEY-----',
  WEBHOOK_SECRET: 'whsec-test-4f1b9c',
  GITHUB_TOKEN: 'ghs_testinstallationtoken123',
};

export interface Harness {
  client: Client;
  workDir: string;
  workers: AidpWorkers;
  /** Starts a feature on a local repository, as `aidp run` does. */
  startFeature(
    repoDir: string,
    specText: string,
    overrides?: SettingOverrides,
    extra?: Pick<FeatureInput, 'github' | 'uiUrl'>,
  ): Promise<FeatureHandle>;
  close(): Promise<void>;
}

/** Real Temporal (the run's dev server), real workers from the factory, a temp work dir. */
export async function startHarness(opts: {
  bundle: WorkflowBundleWithSourceMap;
  queues?: QueueKind[];
  hostId?: string;
  octokitFor?: ActivityDeps['octokitFor'];
  appId?: ActivityDeps['appId'];
  gitEnv?: ActivityDeps['gitEnv'];
  reconcileGitHub?: ActivityDeps['reconcileGitHub'];
  metrics?: ActivityDeps['metrics'];
  /** What a DeliveryWorkflow's activity calls; default the real processors on the run's Temporal. */
  processors?: ActivityDeps['processors'];
  /** For the client and every worker, e.g. `aidpDataConverter(keys)` to encrypt payloads. */
  dataConverter?: DataConverter;
  /** Overrides of the test sandbox settings (on, scripted agents readable). */
  sandbox?: Partial<ActivityDeps['sandbox']>;
}): Promise<Harness> {
  const logger = pino({ level: process.env.AIDP_TEST_LOG_LEVEL ?? 'warn' });
  installRuntime(logger);
  const temporal: TestTemporal = await connectToTestServer({ dataConverter: opts.dataConverter });
  const workDir = tempDir('work');
  const workers = await createAidpWorkers({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    dataConverter: opts.dataConverter,
    queues: opts.queues ?? ['orchestrator', 'agent'],
    hostId: opts.hostId ?? `test-${process.pid}-${Date.now()}`,
    workflows: { workflowBundle: opts.bundle },
    maxConcurrentActivities: 40,
    maxConcurrentWorkflowTasks: 40,
    shutdownGraceMs: 2000,
    activityDeps: {
      workDir,
      logger,
      secretEnvNames: Object.keys(TEST_SECRETS),
      secretValues: Object.values(TEST_SECRETS),
      sandbox: testSandbox(workDir, opts.sandbox),
      octokitFor: opts.octokitFor,
      appId: opts.appId,
      gitEnv: opts.gitEnv,
      reconcileGitHub: opts.reconcileGitHub,
      startBuildIfNew: createTemporalProcessors({ client: temporal.client }).startBuildIfNew,
      buildExists: createTemporalProcessors({ client: temporal.client }).buildExists,
      startCiFix: createTemporalProcessors({ client: temporal.client }).startCiFix,
      temporalClient: temporal.client,
      processors: opts.processors ?? createTemporalProcessors({ client: temporal.client }),
      runDelivery: runDeferredDelivery,
      metrics: opts.metrics,
    },
    logger,
  });
  const running = workers.run();
  return {
    client: temporal.client,
    workDir,
    workers,
    async startFeature(repoDir, specText, overrides, extra) {
      const repo = await resolveLocalRepo(repoDir);
      const feature = await prepareLocalFeature({ repo, specText, overrides });
      return startFeature(temporal.client, { ...feature, input: { ...feature.input, ...extra } });
    },
    async close() {
      await terminateRunningWorkflows(temporal.client);
      workers.shutdown();
      await running;
      await temporal.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
