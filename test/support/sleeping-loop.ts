import { simpleGit } from 'simple-git';
import { hostQueueName } from '../../src/domain/task-queues.js';
import type { WorkLoopInput } from '../../src/workflows/work-loop/messages.js';
import { scriptedProviders } from './scripted-agent.js';

/** A one-iteration WorkLoop in `repo` on `hostId`'s queue whose agent sleeps for ten minutes. */
export async function sleepingLoopInput(opts: { name: string; repo: string; hostId: string; logDir: string }): Promise<WorkLoopInput> {
  return {
    unitId: opts.name,
    title: `a slow unit (${opts.name})`,
    task: 'sleep',
    conventions: '',
    worktreePath: opts.repo,
    baseSha: (await simpleGit(opts.repo).revparse(['HEAD'])).trim(),
    hostQueue: hostQueueName(opts.hostId),
    providers: scriptedProviders(`--sleep 600000 --log ${opts.logDir}`),
    agentTimeoutMs: 600_000,
    checks: [],
    maxIterations: 1,
    instructions: [],
    promptKey: `${opts.name}-${opts.hostId}`,
  };
}
