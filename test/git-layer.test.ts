import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { closeSync, constants, existsSync, openSync, realpathSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { execa } from 'execa';
import { pino } from 'pino';
import { createGitActivities } from '../src/activities/git/git-activities.js';
import { mirrorQueue } from '../src/activities/git/mirror.js';
import { createGitRunner } from '../src/activities/git/run-git.js';
import { createMergeActivities } from '../src/activities/merge/merge-activities.js';
import { waitFor } from './support/agent-log.js';
import { tempDir } from './support/repos.js';

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd })).stdout.trim();
}

async function createRemote(): Promise<string> {
  const dir = tempDir('layer-remote');
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  writeFileSync(join(dir, 'README.md'), '# remote\n');
  await git(dir, 'add', '.');
  await git(dir, '-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '--quiet', '-m', 'initial');
  return dir;
}

/**
 * A loose ref that is a fifo: git opens a ref file whatever its type, so any git command that
 * reads the mirror's refs blocks on it until someone writes.
 */
async function stuckRef(mirrorPath: string): Promise<string> {
  const fifo = join(mirrorPath, 'refs', 'remotes', 'origin', 'stuck');
  await execa('mkfifo', [fifo]);
  return fifo;
}

/** The write end of the fifo, once a reader (git) has it open; else undefined. */
function writerOnceRead(fifo: string): number | undefined {
  try {
    return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENXIO' || code === 'ENOENT') return undefined; // no reader yet, or the ref is gone
    throw err;
  }
}

/** Answers every reader of the fifo with `text` until `stop` resolves. */
async function answerReaders(fifo: string, text: string, stop: Promise<unknown>): Promise<void> {
  let stopped = false;
  void stop.finally(() => (stopped = true)).catch(() => undefined);
  while (!stopped) {
    const fd = writerOnceRead(fifo);
    if (fd === undefined) {
      await sleep(20);
      continue;
    }
    try {
      writeSync(fd, text);
    } catch (err) {
      // The reader just answered, still closing when we opened again: no one to answer this time.
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
    } finally {
      closeSync(fd);
    }
  }
}

describe('the git layer shared by units and merges', () => {
  let remote: string;
  let workDir: string;
  let units: ReturnType<typeof createGitActivities>;
  let merges: ReturnType<typeof createMergeActivities>;

  beforeEach(async () => {
    remote = await createRemote();
    workDir = realpathSync(tempDir('layer-work'));
    units = createGitActivities({ workDir });
    merges = createMergeActivities({ workDir });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const dir of [remote, workDir]) rmSync(dir, { recursive: true, force: true });
  });

  it('ends the git command of a cancelled activity, which fails with the cancellation', async () => {
    const { mirrorPath } = await units.ensureMirror({ remoteUrl: remote });
    const fifo = await stuckRef(mirrorPath);
    const activity = new MockActivityEnvironment({ activityType: 'ensureMirror' });

    const syncing = activity.run(units.ensureMirror, { remoteUrl: remote });
    // git holds the ref open and waits for its content: only killing it ends the wait.
    const writer = await waitFor(() => writerOnceRead(fifo), 30_000, 'git fetch reading the stuck ref');
    try {
      activity.cancel();
      await expect(syncing).rejects.toBeInstanceOf(CancelledFailure);
    } finally {
      closeSync(writer);
    }
  });

  it('fails with the cancellation, not the lock, when cancelled while waiting for a held lock', async () => {
    writeFileSync(join(remote, 'README.md'), '# changed\n');
    writeFileSync(join(remote, '.git', 'index.lock'), '');
    let retrying = false;
    const logger = pino({ level: 'debug' }, { write: (line: string) => void (retrying ||= line.includes('git lock held')) });
    const cancellation = new AbortController();

    const adding = createGitRunner({ logger })(['add', 'README.md'], { cwd: remote, signal: cancellation.signal });
    await waitFor(() => retrying, 30_000, 'git add waiting for the index lock');
    cancellation.abort(new CancelledFailure('cancelled'));

    await expect(adding).rejects.toBeInstanceOf(CancelledFailure);
  });

  it('syncs the mirror again for a caller whose shared sync was cancelled by another activity', async () => {
    const { mirrorPath } = await units.ensureMirror({ remoteUrl: remote });
    const fifo = await stuckRef(mirrorPath);
    const main = await git(remote, 'rev-parse', 'main');
    let release!: () => void;
    const held = mirrorQueue.run(mirrorPath, () => new Promise<void>((resolve) => (release = resolve)));
    const coalesce = jest.spyOn(mirrorQueue, 'coalesce');
    const first = new MockActivityEnvironment({ activityType: 'ensureMirror', activityId: 'first' });
    const second = new MockActivityEnvironment({ activityType: 'ensureMirror', activityId: 'second' });

    // Both ask while the queue is held: the second joins the first's sync, which runs in the first activity.
    const cancelled = first.run(units.ensureMirror, { remoteUrl: remote });
    const survivor = second.run(units.ensureMirror, { remoteUrl: remote });
    await waitFor(() => coalesce.mock.calls.length === 2, 30_000, 'both syncs queued');
    release();
    await held;
    const writer = await waitFor(() => writerOnceRead(fifo), 30_000, 'the shared fetch reading the stuck ref');
    try {
      first.cancel();
      await expect(cancelled).rejects.toBeInstanceOf(CancelledFailure);
    } finally {
      closeSync(writer);
    }

    const survived = expect(survivor).resolves.toEqual({ mirrorPath });
    await answerReaders(fifo, `${main}\n`, survived);
    await survived;
    expect(existsSync(fifo)).toBe(false); // pruned by the second activity's own fetch
  });

  it("runs a unit's and a merge's bookkeeping on one mirror one job at a time, in one queue", async () => {
    await units.ensureMirror({ remoteUrl: remote });
    const unitPath = join(workDir, 'worktrees', 'login', 'api');
    const mergePath = join(workDir, 'worktrees', 'login', '_merge');
    const run = mirrorQueue.run.bind(mirrorQueue);
    let running = 0;
    let most = 0;
    const jobs: Array<{ activity: string; added: string[] }> = [];
    // Every job of the queue, labelled by the activity that queued it (the job runs in its context).
    jest.spyOn(mirrorQueue, 'run').mockImplementation(((key: string, job: () => Promise<unknown>) =>
      run(key, async () => {
        running++;
        most = Math.max(most, running);
        const before = [unitPath, mergePath].filter((p) => existsSync(p));
        try {
          return await job();
        } finally {
          running--;
          const added = [unitPath, mergePath].filter((p) => existsSync(p) && !before.includes(p));
          jobs.push({ activity: Context.current().info.activityType, added });
        }
      })) as typeof mirrorQueue.run);
    const unit = new MockActivityEnvironment({ activityType: 'prepareWorktree' });
    const merge = new MockActivityEnvironment({ activityType: 'prepareMergeWorktree' });

    await Promise.all([
      unit.run(units.prepareWorktree, { remoteUrl: remote, baseBranch: 'main', featureSlug: 'login', unitSlug: 'api', branch: 'aidp/login/api' }),
      merge.run(merges.prepareMergeWorktree, { remoteUrl: remote, baseBranch: 'main', featureSlug: 'login', featureBranch: 'aidp/login/feature' }),
    ]);

    expect(most).toBe(1);
    expect(jobs).toContainEqual({ activity: 'prepareWorktree', added: [unitPath] });
    expect(jobs).toContainEqual({ activity: 'prepareMergeWorktree', added: [mergePath] });
  });
});
