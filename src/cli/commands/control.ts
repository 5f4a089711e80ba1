import { Option, type Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
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
import { statusLines } from '../../domain/summary/status-lines.js';
import { positiveInt } from '../options.js';
import { RUN_KINDS } from '../../domain/search-attributes.js';
import { RUN_STATUSES } from '../../temporal/run-list.js';
import { DEFAULT_RUN_LIMIT, hasListFilters, printRunList, type RunListOptions } from './run-list-command.js';

/** A client for commands that look at or act on runs: they never start workers of their own. */
async function withClient(act: (client: Client, endpoint: TemporalEndpoint) => Promise<void>): Promise<void> {
  const ctx = loadCliContext({ interactive: true });
  const endpoint = await openEngine(engineConfig(ctx.env));
  const client = await connectClient(endpoint);
  try {
    await act(client, endpoint);
  } finally {
    await client.connection.close();
    await endpoint.close();
  }
}

async function withFeature(id: string, act: (handle: FeatureHandle, client: Client, endpoint: TemporalEndpoint) => Promise<void>): Promise<void> {
  return withClient((client, endpoint) => act(client.workflow.getHandle<typeof FeatureOrchestrationWorkflow>(id), client, endpoint));
}

async function mustBeRunning(handle: FeatureHandle): Promise<void> {
  if (!(await isRunning(handle))) throw new InputError(`${handle.workflowId} has finished; see it with: aidp status ${handle.workflowId}`);
}

/** `aidp <name> <id>`: one signal to a running feature run, and what it did. */
function registerSignalCommand(program: Command, name: string, description: string, signal: SignalDefinition, done: (id: string) => string): void {
  program
    .command(`${name} <id>`)
    .description(description)
    .action(async (id: string) =>
      withFeature(id, async (handle) => {
        await mustBeRunning(handle);
        await handle.signal(signal);
        process.stdout.write(`${done(id)}\n`);
      }),
    );
}

export function registerControlCommands(program: Command): void {
  program
    .command('status [id]')
    .description('list aidp runs, newest first; with an id, the status of a feature run: units done, running, failed, and why')
    .option('--repo <owner/name>', "list runs on this repository (owner/name, or a local repository's directory name)")
    .addOption(new Option('--status <state>', 'list runs in this state').choices(Object.keys(RUN_STATUSES)))
    .addOption(
      new Option('--kind <kind>', 'list runs of this kind (default: build, plan, review, ci-fix, change-request, feature, exec)').choices(RUN_KINDS),
    )
    .option('--limit <n>', `list at most this many runs (default ${DEFAULT_RUN_LIMIT})`, positiveInt('--limit', 100))
    .option('--json', 'print JSON: the run\'s status, or an array of runs')
    .addHelpText(
      'after',
      '\nWithout an id: one line per run (id, kind, repository, issue/PR, status, started, title), found by\n' +
        "aidp's search attributes (AidpRepository, AidpIssue, AidpKind, AidpRequester); the Web UI filters on them too.\n" +
        'Examples: aidp status --repo octo/app --status failed\n' +
        '          aidp status aidp/gh/octo/app/issue-12/build/feature',
    )
    .action(async (id: string | undefined, opts: RunListOptions) => {
      if (id === undefined) return withClient((client, endpoint) => printRunList(client, endpoint, opts));
      if (hasListFilters(opts)) throw new InputError('--repo, --status, --kind and --limit list runs: leave out the id');
      return withFeature(id, async (handle, _client, endpoint) => {
        const status = await featureStatus(handle);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ workflowId: id, ...status, uiUrl: workflowUiUrl(endpoint, id) })}\n`);
          return;
        }
        process.stdout.write(`${statusLines(status, { uiUrl: workflowUiUrl(endpoint, id) }).join('\n')}\n`);
      });
    });

  registerSignalCommand(program, 'pause', 'stop starting units and pause every running work loop after its current iteration', pauseSignal, (id) => `paused ${id}; continue with: aidp resume ${id}`);
  registerSignalCommand(program, 'resume', 'resume a paused feature run', resumeSignal, (id) => `resumed ${id}`);
  registerSignalCommand(program, 'cancel', 'cancel a feature run: agents are killed and worktrees removed', cancelSignal, (id) => `cancelling ${id}; agents are being stopped`);

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
