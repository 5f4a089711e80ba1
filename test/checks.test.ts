import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { createCheckActivities, summarizeFailures } from '../src/activities/checks/check-activities.js';
import { runCheckList, type NamedCheckConfig } from '../src/activities/checks/run-checks.js';
import { openUntrustedRun } from '../src/sandbox/untrusted-run.js';
import { mockActivity, runIn } from './support/activity-env.js';
import { rejectionOf } from './support/failures.js';
import { tempDir } from './support/repos.js';
import { livePidsMentioning, testSandbox } from './support/sandbox.js';
import { waitFor } from './support/wait-for.js';

function check(name: string, command: string, extra: Partial<NamedCheckConfig> = {}): NamedCheckConfig {
  return { name, command, timeout_seconds: 20, required: true, ...extra };
}

async function runChecksIn(worktreePath: string, checks: NamedCheckConfig[]) {
  const settings = testSandbox(tempDir('work'));
  const openSandbox = (key: string) =>
    openUntrustedRun(settings, { kind: 'check', worktree: worktreePath, key, base: process.env, secretEnvNames: [], secretValues: [], runVars: {} });
  const { results } = await runCheckList({ worktreePath, checks, openSandbox });
  return results;
}

/** Check activities with the test sandbox, over a fresh work dir. */
function checkActivities(baseEnv?: NodeJS.ProcessEnv, secretEnvNames: string[] = []) {
  const workDir = tempDir('work');
  return createCheckActivities({ workDir, sandbox: testSandbox(workDir), baseEnv, secretEnvNames });
}

describe('running checks', () => {
  it('passes a check that exits 0, run by sh in the worktree', async () => {
    const worktree = realpathSync(tempDir('worktree'));
    const [result] = await runChecksIn(worktree, [check('test', 'pwd && echo all good')]);

    expect(result).toMatchObject({ name: 'test', command: 'pwd && echo all good', required: true, passed: true, exitCode: 0, timedOut: false });
    expect(result!.outputTail).toBe(`${worktree}\nall good\n`);
  });

  it('fails a check that exits non-zero, with its exit code and the end of its output', async () => {
    const [result] = await runChecksIn(tempDir('worktree'), [check('test', "echo compiling; echo 'expected 2, got 3' >&2; exit 2")]);

    expect(result).toMatchObject({ passed: false, exitCode: 2, timedOut: false });
    expect(result!.outputTail).toMatch(/expected 2, got 3/);
  });

  it('kills a check over its timeout with everything it started, and reports it as timed out', async () => {
    const worktree = tempDir('worktree');
    const token = `bg-${Date.now()}-${process.pid}`;
    const [result] = await runChecksIn(worktree, [check('build', `sh -c 'sleep 60; echo ${token}' & echo started > bg.txt; sleep 60`, { timeout_seconds: 1 })]);

    expect(result).toMatchObject({ passed: false, timedOut: true, exitCode: null });
    expect(result!.durationMs).toBeLessThan(5000);
    expect(readFileSync(join(worktree, 'bg.txt'), 'utf8')).toBe('started\n');
    expect(livePidsMentioning(token)).toEqual([]);
  });

  it('runs every check in order, even after one fails', async () => {
    const worktree = tempDir('worktree');
    const results = await runChecksIn(worktree, [check('lint', 'echo lint >> order.txt; exit 1'), check('test', 'echo test >> order.txt')]);

    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['lint', false],
      ['test', true],
    ]);
    expect(readFileSync(join(worktree, 'order.txt'), 'utf8')).toBe('lint\ntest\n');
  });

  it('keeps about 4000 characters of the end of a long output', async () => {
    const [result] = await runChecksIn(tempDir('worktree'), [check('test', "yes 'line of output' | head -n 5000; echo LAST")]);

    expect(result!.outputTail.length).toBeLessThanOrEqual(4000);
    expect(result!.outputTail.length).toBeGreaterThan(3900);
    expect(result!.outputTail.endsWith('LAST\n')).toBe(true);
  });
});

describe('summarizing check failures', () => {
  it('names each failed required check with its command, how it failed and its output, and nothing else', async () => {
    const results = await runChecksIn(tempDir('worktree'), [
      check('build', 'echo built'),
      check('test', "echo 'AssertionError: clamp(5, 0, 3) should be 3' >&2; exit 1"),
      check('lint', 'echo style nit; exit 1', { required: false }),
      check('e2e', 'sleep 30', { timeout_seconds: 1 }),
    ]);
    const summary = summarizeFailures(results);

    expect(summary).toMatch(/Check "test" \(`echo 'AssertionError.*exit 1`\) exited with code 1\. Output \(tail\):\nAssertionError: clamp\(5, 0, 3\) should be 3/);
    expect(summary).toMatch(/Check "e2e" \(`sleep 30`\) timed out after \ds/);
    expect(summary).not.toMatch(/"build"|"lint"|style nit/);
  });
});

describe('the runChecks activity', () => {
  it('runs checks without the app secrets, with CI set, heartbeating', async () => {
    const env = mockActivity();
    let heartbeats = 0;
    env.on('heartbeat', () => heartbeats++);
    const { runChecks } = checkActivities({ PATH: process.env.PATH, GITHUB_TOKEN: 'ghs_x', MY_SECRET: 'named' }, ['MY_SECRET']);
    const results = await runIn(env, runChecks, {
      worktreePath: tempDir('worktree'),
      checks: [check('env', 'sleep 1.2; test -z "$GITHUB_TOKEN" && test -z "$MY_SECRET" && test "$CI" = true')],
    });

    expect(results[0]).toMatchObject({ passed: true, exitCode: 0 });
    expect(heartbeats).toBeGreaterThanOrEqual(2);
  });

  it('throws CancelledFailure when cancelled, after killing the running check', async () => {
    const env = mockActivity();
    const worktree = tempDir('worktree');
    const token = `slow-${Date.now()}-${process.pid}`;
    const running = runIn(env, checkActivities().runChecks, {
      worktreePath: worktree,
      checks: [check('slow', `echo started > sh.txt; sleep 60; echo ${token}`), check('never', 'touch never-ran')],
    });
    await waitFor(() => existsSync(join(worktree, 'sh.txt')), 10_000, 'the check to start');
    env.cancel();

    const failure = await rejectionOf(running);
    expect(failure).toBeInstanceOf(CancelledFailure);
    expect(livePidsMentioning(token)).toEqual([]);
    expect(() => readFileSync(join(worktree, 'never-ran'))).toThrow();
  });
});
