import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { startFeature, type FeatureHandle } from '../../features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../../features/local-feature.js';
import { workflowUiUrl } from '../../temporal/engine.js';
import type { FeatureResult } from '../../workflows/feature-orchestration/messages.js';
import { orchestrationStatusQuery } from '../../domain/feature-status.js';
import { withUnitProgress } from '../../features/unit-progress.js';
import { QUEUE_KINDS } from '../../domain/task-queues.js';
import { servedQueues } from '../../temporal/worker-registry.js';
import { SANDBOX_OFF_WARNING } from '../../sandbox/unavailable.js';
import { loadCliContext } from '../context.js';
import { InputError } from '../../domain/input-error.js';
import { agentOverride, positiveInt } from '../options.js';
import { ProgressView, renderMergeOutcome } from '../progress-view.js';
import { statusLines } from '../../domain/summary/status-lines.js';
import { featureJson } from '../feature-json.js';

interface RunOptions {
  repo: string;
  spec?: string;
  text?: string;
  agent?: string;
  agentCommand?: string;
  concurrency?: number;
  maxIterations?: number;
  base?: string;
  detach?: boolean;
  json?: boolean;
}

async function specText(opts: RunOptions): Promise<string> {
  if (opts.spec && opts.text) throw new InputError('use --spec or --text, not both');
  if (opts.text) return opts.text;
  if (!opts.spec) throw new InputError('say what to build: --spec FILE or --text TEXT');
  try {
    return await readFile(opts.spec, 'utf8');
  } catch {
    throw new InputError(`--spec ${opts.spec}: cannot read that file`);
  }
}

/** Follows the run until it closes, showing progress; Ctrl-C stops watching, not the run. */
async function watch(handle: FeatureHandle, view: ProgressView | undefined): Promise<FeatureResult | undefined> {
  let interrupted = false;
  const onSigint = (): void => void (interrupted = true);
  process.once('SIGINT', onSigint);
  try {
    const result = handle.result();
    let done = false;
    result.then(() => (done = true), () => (done = true));
    while (!done && !interrupted) {
      // A query can fail while no worker is up yet; the next round asks again.
      const status = view ? await handle.query(orchestrationStatusQuery).then((s) => withUnitProgress(handle.client, s)).catch(() => undefined) : undefined;
      if (status) view?.show(status);
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
    }
    return interrupted ? undefined : await result;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('build a feature on a local git repository with parallel agents (the repository is its own remote)')
    .requiredOption('--repo <dir>', 'the git repository to build in')
    .option('--spec <file>', 'Markdown spec: a task list, an ```aidp-units block, or prose for an agent to split')
    .option('--text <text>', 'the spec as text instead of a file')
    .option('--agent <preset>', 'agent preset: claude, codex, gemini, aider, opencode, cursor-agent, copilot')
    .option('--agent-command <cmd>', 'any agent command line (prompt file in $AIDP_PROMPT_FILE)')
    .option('--concurrency <n>', 'units at once (default from .github/aidp.yml, else 4)', positiveInt('--concurrency', 100))
    .option('--max-iterations <n>', 'agent → checks rounds per unit', positiveInt('--max-iterations', 50))
    .option('--base <branch>', 'branch to build on (default: the current branch)')
    .option('--detach', 'start the run and return; follow it with `aidp status ID`')
    .option('--json', 'print one JSON object with the result at the end, and no progress')
    .addHelpText(
      'after',
      '\nExit codes: 0 every unit completed, 1 some failed or the run was cancelled, 2 bad input.\n' +
        'Example: aidp run --repo . --spec feature.md --agent-command "node my-agent.mjs"',
    )
    .action(async (opts: RunOptions) => {
      const ctx = loadCliContext({ interactive: true });
      if (ctx.env.sandbox === 'off') process.stderr.write(`aidp: warning: ${SANDBOX_OFF_WARNING}\n`);
      const text = await specText(opts);
      const repo = await resolveLocalRepo(opts.repo, opts.base);
      const feature = await prepareLocalFeature({
        repo,
        specText: text,
        overrides: { providers: agentOverride(opts), concurrency: opts.concurrency, maxIterations: opts.maxIterations },
      });
      if (opts.detach && servedQueues(ctx.env.workDir).size < QUEUE_KINDS.length) {
        throw new InputError(
          `--detach needs a worker that outlives this command: start \`aidp start\` or \`aidp worker\` on ${ctx.env.workDir} first`,
        );
      }
      // The worker SDK comes with the runtime, here: a refused command (bad input or config) answers without loading it.
      const { openLocalRuntime } = await import('../local-runtime.js');
      const runtime = await openLocalRuntime(ctx, { mode: opts.detach ? 'never' : 'auto' });
      try {
        const handle = await startFeature(runtime.client, feature);
        const uiUrl = workflowUiUrl(runtime.endpoint, feature.workflowId);
        if (!opts.json) {
          process.stderr.write(`aidp: feature "${feature.input.title}" → workflow ${feature.workflowId}\n`);
          if (uiUrl) process.stderr.write(`aidp: Web UI ${uiUrl}\n`);
        }
        if (opts.detach) {
          if (opts.json) process.stdout.write(`${JSON.stringify({ workflowId: feature.workflowId, status: 'started', uiUrl })}\n`);
          else process.stderr.write(`aidp: started; follow it with: aidp status ${feature.workflowId}\n`);
          return;
        }
        const result = await watch(handle, opts.json ? undefined : new ProgressView(process.stderr));
        if (!result) {
          process.stderr.write(`\naidp: stopped watching; the run goes on when a worker runs. Follow it with: aidp status ${feature.workflowId}\n`);
          process.exitCode = 1;
          return;
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(featureJson(feature.workflowId, result, uiUrl))}\n`);
        else {
          process.stdout.write(`${statusLines(result).join('\n')}\n`);
          process.stdout.write(`${renderMergeOutcome(result, feature.input.repo.remoteUrl).join('\n')}\n`);
          if (result.error) process.stdout.write(`error: ${result.error}\n`);
        }
        process.exitCode = result.status === 'completed' ? 0 : 1;
      } finally {
        await runtime.close();
      }
    });
}
