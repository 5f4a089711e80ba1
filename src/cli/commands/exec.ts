import { basename } from 'node:path';
import type { Command } from 'commander';
import { slugify } from '../../domain/slug.js';
import { loadRepoConfigFromGit } from '../../activities/git/repo-config-at-ref.js';
import { featureSettings } from '../../workflows/feature-settings.js';
import { featureTitle } from '../../features/feature-title.js';
import { resolveLocalRepo } from '../../features/local-feature.js';
import { localExecWorkflowId } from '../../features/workflow-ids.js';
import { localUser } from '../../features/local-user.js';
import { runStartOptions } from '../../domain/search-attributes.js';
import { workflowUiUrl } from '../../temporal/engine.js';
import { AGENT_QUEUE } from '../../domain/task-queues.js';
import { unitBranchName } from '../../domain/branches.js';
import type { UnitWorkflow } from '../../workflows/unit/workflow.js';
import { loadCliContext } from '../context.js';
import { InputError } from '../../domain/input-error.js';
import { agentOverride, positiveInt } from '../options.js';

interface ExecOptions {
  repo: string;
  text: string;
  agent?: string;
  agentCommand?: string;
  maxIterations?: number;
  json?: boolean;
}

export function registerExecCommand(program: Command): void {
  program
    .command('exec')
    .description('one agent, one fix-forward work loop, in a worktree: the result is a branch aidp/exec/<task> to review')
    .requiredOption('--repo <dir>', 'the git repository to work in')
    .requiredOption('--text <text>', 'what to do')
    .option('--agent <preset>', 'agent preset')
    .option('--agent-command <cmd>', 'any agent command line')
    .option('--max-iterations <n>', 'agent → checks rounds', positiveInt('--max-iterations', 50))
    .option('--json', 'print one JSON object with the result')
    .action(async (opts: ExecOptions) => {
      if (!opts.text.trim()) throw new InputError('--text is empty');
      const ctx = loadCliContext({ interactive: true });
      const repo = await resolveLocalRepo(opts.repo);
      const config = await loadRepoConfigFromGit(repo.path, repo.baseBranch);
      const settings = featureSettings(config, { providers: agentOverride(opts), maxIterations: opts.maxIterations });
      const title = featureTitle(opts.text);
      const workflowId = localExecWorkflowId(repo.path, slugify(title));
      // The worker SDK comes with the runtime, here: a refused command (bad input or config) answers without loading it.
      const { openLocalRuntime } = await import('../local-runtime.js');
      const runtime = await openLocalRuntime(ctx, { mode: 'auto', queues: ['agent'] });
      try {
        const unitSlug = slugify(title);
        const branch = unitBranchName('exec', unitSlug);
        const result = await runtime.client.workflow.execute<typeof UnitWorkflow>('UnitWorkflow', {
          workflowId,
          taskQueue: AGENT_QUEUE,
          workflowIdConflictPolicy: 'USE_EXISTING',
          ...runStartOptions({ kind: 'exec', repository: basename(repo.path), requester: localUser(), summary: title }),
          args: [
            {
              unit: { id: unitSlug, slug: unitSlug, title, description: opts.text, dependsOn: [] },
              featureSlug: 'exec',
              branch,
              repo: { remoteUrl: repo.path, baseBranch: repo.baseBranch },
              providers: settings.providers,
              agentTimeoutMs: settings.agentTimeoutMs,
              checks: settings.checks,
              maxIterations: settings.maxIterations,
              conventions: settings.conventions,
              instructions: [],
              network: settings.network,
              ...(settings.setup ? { setup: settings.setup } : {}),
            },
          ],
        });
        const uiUrl = workflowUiUrl(runtime.endpoint, workflowId);
        const passed = result.status === 'completed';
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ workflowId, uiUrl, ...result, status: passed ? 'passed' : 'failed' })}\n`);
        } else {
          process.stdout.write(
            passed
              ? `passed after ${result.iterations} iteration(s); review it on branch ${branch} in ${repo.path}\n`
              : `failed: ${result.error}\n`,
          );
        }
        process.exitCode = passed ? 0 : 1;
      } finally {
        await runtime.close();
      }
    });
}
