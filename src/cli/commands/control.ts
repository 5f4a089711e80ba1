import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { featureStatus, isRunning, retryUnits, type FeatureHandle } from '../../features/feature-client.js';
import { connectClient, openEngine, workflowUiUrl, type TemporalEndpoint } from '../../temporal/engine.js';
import {
  adjustConcurrencyUpdate,
  cancelSignal,
  pauseSignal,
  resumeSignal,
} from '../../workflows/feature-orchestration/messages.js';
import type { FeatureOrchestrationWorkflow } from '../../workflows/feature-orchestration/workflow.js';
import { engineConfig, loadCliContext } from '../context.js';
import { InputError } from '../../domain/input-error.js';
import { renderStatus } from '../progress-view.js';

/** A client for commands that act on a run: they never start workers of their own. */
async function withFeature(id: string, act: (handle: FeatureHandle, client: Client, endpoint: TemporalEndpoint) => Promise<void>): Promise<void> {
  const ctx = loadCliContext({ interactive: true });
  const endpoint = await openEngine(engineConfig(ctx.env));
  const client = await connectClient(endpoint);
  try {
    await act(client.workflow.getHandle<typeof FeatureOrchestrationWorkflow>(id), client, endpoint);
  } finally {
    await client.connection.close();
    await endpoint.close();
  }
}

async function mustBeRunning(handle: FeatureHandle): Promise<void> {
  if (!(await isRunning(handle))) throw new InputError(`${handle.workflowId} has finished; see it with: aidp status ${handle.workflowId}`);
}

export function registerControlCommands(program: Command): void {
  program
    .command('status <id>')
    .description('show the status of a feature run: units done, running, failed, and why')
    .option('--json', 'print the status as JSON')
    .action(async (id: string, opts: { json?: boolean }) =>
      withFeature(id, async (handle, _client, endpoint) => {
        const status = await featureStatus(handle);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ workflowId: id, ...status, uiUrl: workflowUiUrl(endpoint, id) })}\n`);
          return;
        }
        process.stdout.write(`${renderStatus(status).join('\n')}\n`);
        const ui = workflowUiUrl(endpoint, id);
        if (ui) process.stdout.write(`Web UI: ${ui}\n`);
      }),
    );

  program
    .command('pause <id>')
    .description('stop starting units and pause every running work loop after its current iteration')
    .action(async (id: string) =>
      withFeature(id, async (handle) => {
        await mustBeRunning(handle);
        await handle.signal(pauseSignal);
        process.stdout.write(`paused ${id}; continue with: aidp resume ${id}\n`);
      }),
    );

  program
    .command('resume <id>')
    .description('resume a paused feature run')
    .action(async (id: string) =>
      withFeature(id, async (handle) => {
        await mustBeRunning(handle);
        await handle.signal(resumeSignal);
        process.stdout.write(`resumed ${id}\n`);
      }),
    );

  program
    .command('cancel <id>')
    .description('cancel a feature run: agents are killed and worktrees removed')
    .action(async (id: string) =>
      withFeature(id, async (handle) => {
        await mustBeRunning(handle);
        await handle.signal(cancelSignal);
        process.stdout.write(`cancelling ${id}; agents are being stopped\n`);
      }),
    );

  program
    .command('retry <id> [units...]')
    .description('run failed units again (all of them when none are named); completed units are kept')
    .action(async (id: string, units: string[]) =>
      withFeature(id, async (_handle, client) => {
        const { retried, newRun } = await retryUnits(client, id, units);
        const how = newRun ? 'in a new run of the same workflow' : 'in the running workflow';
        process.stdout.write(`retrying ${retried.join(', ')} ${how}; follow it with: aidp status ${id}\n`);
      }),
    );

  program
    .command('concurrency <id> <n>')
    .description('change how many units run at once, while the run goes on')
    .action(async (id: string, n: string) =>
      withFeature(id, async (handle) => {
        const value = Number(n);
        if (!Number.isInteger(value) || value < 1 || value > 100) {
          throw new InputError(`concurrency must be an integer from 1 to 100 (got "${n}")`);
        }
        await mustBeRunning(handle);
        await handle.executeUpdate(adjustConcurrencyUpdate, { args: [value] });
        process.stdout.write(`${id} now runs up to ${value} units at once\n`);
      }),
    );
}
