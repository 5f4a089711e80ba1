import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  adjustConcurrencyUpdate,
  progressQuery,
  cancelSignal,
  injectInstructionUpdate,
  pauseSignal,
  resumeSignal,
} from '../src/workflows/feature-orchestration/messages.js';
import { runningAgents } from '../src/features/unit-progress.js';
import { orchestrationStatusQuery } from '../src/domain/feature-status.js';
import { agentEvents, maxConcurrentAgents, starts } from './support/agent-log.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec } from './support/repos.js';
import { agentIoDir, livePidsMentioning } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';
import { waitFor } from './support/wait-for.js';
import { workflowTreeIsIdle } from './support/idle.js';
import { holdFile, scriptedProviders } from './support/scripted-agent.js';

/**
 * `n` unit titles in dispatch order; the first `slow` carry "slow" in their ids, for agents run with
 * `--hold-first <file> --sleep-first-only slow`: those wait for the test to write the file, the rest
 * (started later) finish at once.
 */
const units = (n: number, slow = 0) => Array.from({ length: n }, (_, i) => `Steered unit ${i + 1}${i < slow ? ' slow' : ''}`);

// The tests share one harness and run at once, each on its own repository, log dir and feature.
describe('steering a running feature', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let harness: Harness;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startHarness({ bundle });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.concurrent('shows running agents, starts no agent while paused, and finishes after resume', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    const hold = holdFile();
    // The two units running when paused wait until the pause has been sent (or the four quick ones
    // could all finish first); the four the resume starts need not.
    const handle = await harness.startFeature(repo, taskListSpec('Pause me', units(6, 2)), {
      providers: scriptedProviders(`--write --hold-first ${hold.path} --sleep-first-only slow --log ${logDir}`),
      concurrency: 2,
    });
    await waitFor(() => starts(logDir).length >= 1, 30_000, 'a first agent');
    const agents = await waitFor(async () => {
      // Units are asked directly: they report no progress to their feature.
      const details = await runningAgents(harness.client.workflow, await handle.query(orchestrationStatusQuery));
      return details.some((d) => d.iteration === 1) && details;
    }, 30_000, 'agent details');
    expect(agents.length).toBeLessThanOrEqual(2);
    expect(agents.every((a) => a.unitId.startsWith('steered-unit-'))).toBe(true);
    expect((await handle.query(progressQuery)).total).toBe(6);
    await handle.signal(pauseSignal);
    hold.release();
    // Agents already running finish their iteration; then the paused feature waits for a resume
    // with nothing in flight anywhere (no agent, no activity, no workflow task): from there nothing
    // can start an agent but the resume, so no window to sleep through.
    await waitFor(
      async () => (await handle.query(orchestrationStatusQuery)).paused && (await workflowTreeIsIdle(harness.client, handle.workflowId)),
      30_000,
      'the paused feature to go idle',
    );
    const paused = await handle.query(orchestrationStatusQuery);
    expect(paused.status).toBe('paused');
    expect(paused.completed).toBeLessThan(6);
    expect(agentEvents(logDir).filter((e) => e.event === 'end')).toHaveLength(starts(logDir).length);

    await handle.signal(resumeSignal);
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.completed).toBe(6);
  });

  it.concurrent('cancel stops every agent, removes every worktree and reports cancelled', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    const handle = await harness.startFeature(repo, taskListSpec('Cancel me', units(6)), {
      providers: scriptedProviders(`--write --sleep 60000 --log ${logDir}`),
      concurrency: 3,
    });
    const running = await waitFor(() => starts(logDir).length === 3 && starts(logDir), 30_000, 'three agents');
    await handle.signal(cancelSignal);
    const result = await handle.result();

    expect(result.status).toBe('cancelled');
    expect(result.units.every((u) => u.status === 'cancelled')).toBe(true);
    expect(running).toHaveLength(3);
    expect(livePidsMentioning(logDir)).toEqual([]);
    const worktrees = join(harness.workDir, 'worktrees', result.featureSlug);
    expect(existsSync(worktrees) ? readdirSync(worktrees) : []).toEqual([]);
  });

  it.concurrent('adjust_concurrency from 2 to 6 lets six agents run at once', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    const hold = holdFile();
    // Eight units: two running and six pending when widened, so a cap of six can be overshot. The
    // six that can run at once wait until all six have started; the last two (an overshoot shows
    // in their starts: they would start beside the six held ones) need not.
    const handle = await harness.startFeature(repo, taskListSpec('Widen me', units(8, 6)), {
      providers: scriptedProviders(`--write --hold-first ${hold.path} --sleep-first-only slow --log ${logDir}`),
      concurrency: 2,
    });
    await waitFor(() => starts(logDir).length >= 2, 30_000, 'two agents');
    const before = await handle.query(orchestrationStatusQuery);
    expect(before).toMatchObject({ concurrency: 2, in_progress: 2 });
    expect(maxConcurrentAgents(agentEvents(logDir))).toBeLessThanOrEqual(2);

    expect(await handle.executeUpdate(adjustConcurrencyUpdate, { args: [6] })).toBe(6);
    await waitFor(() => starts(logDir).length >= 6, 30_000, 'six agents');
    hold.release();
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.concurrency).toBe(6);
    const widest = maxConcurrentAgents(agentEvents(logDir));
    expect(widest).toBeGreaterThan(2);
    expect(widest).toBeLessThanOrEqual(6);
  });

  it.concurrent('inject_instruction reaches the next iteration of a running unit', async () => {
    const repo = await createTestRepo();
    const logDir = agentIoDir('log');
    const hold = holdFile();
    const handle = await harness.startFeature(repo, taskListSpec('Instruct me', ['Needs a hint']), {
      // The first iteration waits until the instruction has landed; the second need not.
      providers: scriptedProviders(`--write --hold-first ${hold.path} --log ${logDir} --require-prompt PINEAPPLE`),
      maxIterations: 3,
    });
    await waitFor(() => starts(logDir).length >= 1, 30_000, 'the first iteration');
    expect(await handle.executeUpdate(injectInstructionUpdate, { args: [{ text: 'The password is PINEAPPLE.' }] })).toBe(1);
    hold.release();
    const result = await handle.result();

    expect(result.status).toBe('completed');
    expect(result.units[0]?.iterations).toBe(2);
  });

  it.concurrent('rejects a concurrency of 0 with a message that says what is allowed', async () => {
    const repo = await createTestRepo();
    const handle = await harness.startFeature(repo, taskListSpec('Reject me', units(2)), {
      providers: scriptedProviders('--write --sleep 2000'),
      concurrency: 1,
    });
    const refusal = await handle.executeUpdate(adjustConcurrencyUpdate, { args: [0] }).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refusal as WorkflowUpdateFailedError).cause).toBeInstanceOf(ApplicationFailure);
    expect((refusal as WorkflowUpdateFailedError).cause?.message).toMatch(/from 1 to 100/);
    expect((await handle.query(orchestrationStatusQuery)).concurrency).toBe(1);
    await handle.signal(cancelSignal);
    await handle.result();
  });
});
