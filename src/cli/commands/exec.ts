import type { Command } from 'commander';
import { simpleGit } from 'simple-git';
import { slugify } from '../../activities/git/slug.js';
import { loadRepoConfigFromGit } from '../../config/load-repo-config.js';
import { featureSettings } from '../../features/feature-settings.js';
import { featureTitle } from '../../features/feature-title.js';
import { resolveLocalRepo } from '../../features/local-feature.js';
import { localExecWorkflowId } from '../../features/workflow-ids.js';
import { workflowUiUrl } from '../../temporal/engine.js';
import { AGENT_QUEUE } from '../../temporal/task-queues.js';
import type { WorkLoopWorkflow } from '../../workflows/work-loop/workflow.js';
import { loadCliContext } from '../context.js';
import { InputError } from '../input-error.js';
import { openLocalRuntime } from '../local-runtime.js';
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
    .description('one agent, one work loop, in the repository itself: edits are left for you to review (no branch, no commit)')
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
      const baseSha = (await simpleGit(repo.path).revparse(['HEAD'])).trim();
      const runtime = await openLocalRuntime(ctx, { mode: 'auto', queues: ['agent'] });
      try {
        const result = await runtime.client.workflow.execute<typeof WorkLoopWorkflow>('WorkLoopWorkflow', {
          workflowId,
          taskQueue: AGENT_QUEUE,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [
            {
              unitId: slugify(title),
              title,
              task: opts.text,
              conventions: settings.conventions,
              worktreePath: repo.path,
              baseSha,
              hostQueue: runtime.hostQueue,
              providers: settings.providers,
              agentTimeoutMs: settings.agentTimeoutMs,
              checks: settings.checks,
              maxIterations: settings.maxIterations,
              instructions: [],
              promptKey: `exec--${slugify(title)}`,
            },
          ],
        });
        const uiUrl = workflowUiUrl(runtime.endpoint, workflowId);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ workflowId, status: result.ok ? 'passed' : 'failed', uiUrl, ...result })}\n`);
        } else {
          process.stdout.write(
            result.ok
              ? `passed after ${result.iterations} iteration(s); review the changes in ${repo.path}\n`
              : `failed: ${result.reason}\n`,
          );
        }
        process.exitCode = result.ok ? 0 : 1;
      } finally {
        await runtime.close();
      }
    });
}
