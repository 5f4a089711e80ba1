import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ChildProcess } from 'node:child_process';
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { createGitActivities } from '../src/activities/git/git-activities.js';
import { createUnitActivities } from '../src/activities/unit/unit-activities.js';
import type { AgentRunResult } from '../src/activities/agent/agent-activities.js';
import { createRemote, git } from './support/hostile-git.js';
import { tempDir } from './support/repos.js';

/** The argv of every git process this process starts while `work` runs. */
async function gitProcessesOf(work: () => Promise<void>): Promise<string[][]> {
  const started: string[][] = [];
  // Node's internal method every child process starts through (execa's included); not in the typings.
  const proto = ChildProcess.prototype as unknown as { spawn: (this: ChildProcess, options: { file: string; args: string[] }) => unknown };
  const spawn = proto.spawn;
  proto.spawn = function (options) {
    if (options.file === 'git') started.push(options.args.slice(1));
    return spawn.call(this, options);
  };
  try {
    await work();
  } finally {
    proto.spawn = spawn;
  }
  return started;
}

const agentRan = (): AgentRunResult => ({
  ok: true,
  provider: 'command',
  exitCode: 0,
  timedOut: false,
  cancelled: false,
  rateLimited: false,
  outputTail: '',
  stdout: '',
  durationMs: 1,
  attempts: [],
  sandboxed: false,
});

/**
 * Every git process blocks the worker's event loop while it forks and execs: a unit's count is
 * pinned here. The agent writes a file and the checks pass without a process of their own (in a
 * worker they are two bwrap processes more).
 */
describe("a unit's git processes", () => {
  let remote: string;
  let workDir: string;

  beforeEach(async () => {
    remote = await createRemote();
    workDir = realpathSync(tempDir('spawns-work'));
  });
  afterEach(() => {
    for (const dir of [remote, workDir]) rmSync(dir, { recursive: true, force: true });
  });

  it('prepares a unit and finishes it in at most 15 git processes', async () => {
    const gitActivities = createGitActivities({ workDir });
    const units = createUnitActivities({
      workDir,
      hostQueue: 'host',
      git: gitActivities,
      prepareWorktree: gitActivities.prepareWorktree,
      executeAgent: async (input) => {
        writeFileSync(join(input.worktreePath, `${input.unitId}.txt`), 'done\n');
        return agentRan();
      },
      runChecks: async () => [{ name: 'test', command: 'true', required: true, passed: true, exitCode: 0, timedOut: false, durationMs: 1, outputTail: '' }],
      logger: pino({ level: 'silent' }),
    });
    const oneUnit = async (unitSlug: string): Promise<void> => {
      const where = { featureSlug: 'login', unitSlug };
      const branch = `aidp/login/${unitSlug}`;
      const unit = await units.prepareUnit({ ...where, remoteUrl: remote, baseBranch: 'main', branch });
      const outcome = await units.runIteration({
        ...where,
        worktreePath: unit.worktreePath,
        baseSha: unit.baseSha,
        prompt: 'p',
        providers: [],
        timeoutMs: 60_000,
        unitId: unitSlug,
        iteration: 1,
        promptKey: unitSlug,
        checks: [],
        finish: { message: unitSlug, branch, remoteUrl: remote },
      });
      expect(outcome.finished?.commit?.filesChanged).toEqual([`${unitSlug}.txt`]);
    };
    await oneUnit('first'); // clones the mirror

    const spawned = await gitProcessesOf(() => oneUnit('second'));

    expect(await git(remote, 'ls-tree', '--name-only', 'aidp/login/second')).toContain('second.txt');
    expect(spawned.length).toBeLessThanOrEqual(15);
  });
});
