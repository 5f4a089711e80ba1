import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { createAgentActivities } from '../src/activities/agent/agent-activities.js';
import { reapOrphanedProcessGroups, runInProcessGroup } from '../src/activities/agent/process-group.js';
import { processIsRunning } from '../src/activities/agent/process-liveness.js';
import { runAgentWithFallback, type AgentRunResult, type RunAgentInput } from '../src/activities/agent/run-agent.js';
import type { AgentProvider } from '../src/config/repo-config.js';
import type { SandboxSettings } from '../src/sandbox/settings.js';
import { openUntrustedRun, type UntrustedRunSpec } from '../src/sandbox/untrusted-run.js';
import { mockActivity, runIn } from './support/activity-env.js';
import { starts } from './support/agent-log.js';
import { SCRIPTED_AGENT } from './support/cli.js';
import { failureOf, rejectionOf } from './support/failures.js';
import { tempDir } from './support/repos.js';
import { agentIoDir, livePidsMentioning, testSandbox } from './support/sandbox.js';
import { waitFor } from './support/wait-for.js';
import { scriptedProvider } from './support/scripted-agent.js';

function scripted(...flags: string[]): string[] {
  return [process.execPath, SCRIPTED_AGENT, ...flags];
}

function grandchildPids(logDir: string): number[] {
  return readdirSync(logDir)
    .filter((name) => /^grandchild-\d+\.pid$/.test(name))
    .map((name) => Number(readFileSync(join(logDir, name), 'utf8')));
}

type AgentRun = Omit<RunAgentInput, 'sandbox'> & { sandboxSettings?: Partial<SandboxSettings>; sandboxSpec?: Partial<UntrustedRunSpec> };

function agentInput(providers: AgentProvider[], extra: Partial<AgentRun> = {}): AgentRun {
  return {
    providers,
    prompt: 'Write the unit file',
    cwd: tempDir('worktree'),
    timeoutMs: 20_000,
    promptKey: 'unit-a-1',
    ...extra,
  };
}

/** Runs the agents as the activity does: in a sandbox of the test settings, closed afterwards. */
async function runAgents(input: AgentRun): Promise<AgentRunResult & { promptFile: string }> {
  const workDir = tempDir('work');
  const { sandboxSettings, sandboxSpec, ...run } = input;
  const sandbox = await openUntrustedRun(testSandbox(workDir, sandboxSettings), {
    kind: 'agent',
    worktree: input.cwd,
    key: input.promptKey,
    base: process.env,
    secretEnvNames: [],
    secretValues: [],
    runVars: { AIDP_UNIT_ID: 'unit-a', AIDP_ITERATION: '1' },
    ...sandboxSpec,
  });
  try {
    return { ...(await runAgentWithFallback({ ...run, sandbox })), promptFile: sandbox.promptFile };
  } finally {
    await sandbox.close();
  }
}

/** An activity context without a server; failures the tests expect are not logged. */
/** The pid of a process that has exited and been reaped: no process has it. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('running a process group', () => {
  it('kills the agent and its grandchild when the timeout passes', async () => {
    const log = tempDir('log');
    const run = await runInProcessGroup({ argv: scripted('--hang', '--log', log), cwd: log, env: process.env, timeoutMs: 2000 });

    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBeNull();
    const [grandchild] = grandchildPids(log);
    expect(grandchild).toBeDefined();
    expect(processIsRunning(starts(log)[0]!.pid)).toBe(false);
    expect(processIsRunning(grandchild!)).toBe(false);
  });

  it('kills the whole group at once when aborted', async () => {
    const log = tempDir('log');
    const controller = new AbortController();
    const running = runInProcessGroup({ argv: scripted('--hang', '--log', log), cwd: log, env: process.env, timeoutMs: 60_000, signal: controller.signal });
    await waitFor(() => grandchildPids(log).length > 0, 10_000, 'the grandchild');
    const abortedAt = Date.now();
    controller.abort();
    const run = await running;

    expect(run.cancelled).toBe(true);
    expect(run.timedOut).toBe(false);
    expect(Date.now() - abortedAt).toBeLessThan(1500);
    expect(processIsRunning(starts(log)[0]!.pid)).toBe(false);
    expect(processIsRunning(grandchildPids(log)[0]!)).toBe(false);
  });

  it('sends SIGKILL 2 s after SIGTERM to a group that ignores SIGTERM', async () => {
    const log = tempDir('log');
    const run = await runInProcessGroup({ argv: scripted('--hang', '--ignore-term', '--log', log), cwd: log, env: process.env, timeoutMs: 1500 });

    expect(run.timedOut).toBe(true);
    expect(run.signal).toBe('SIGKILL');
    expect(run.durationMs).toBeGreaterThanOrEqual(3400);
    expect(processIsRunning(grandchildPids(log)[0]!)).toBe(false);
  });

  it('kills a grandchild that an agent left behind when it exited', async () => {
    const log = tempDir('log');
    const run = await runInProcessGroup({ argv: scripted('--orphan', '--log', log), cwd: log, env: process.env, timeoutMs: 20_000 });

    expect(run.exitCode).toBe(0);
    expect(run.timedOut).toBe(false);
    expect(processIsRunning(grandchildPids(log)[0]!)).toBe(false);
  });

  it('keeps the last bytes of stdout and stderr together in the output tail', async () => {
    const code = "process.stdout.write('x'.repeat(50000)); setTimeout(() => process.stderr.write('ERR-END'), 100);";
    const run = await runInProcessGroup({ argv: [process.execPath, '-e', code], cwd: tempDir('tail'), env: process.env, timeoutMs: 20_000, outputTailBytes: 1000, stdoutMaxBytes: 300 });

    expect(run.exitCode).toBe(0);
    expect(run.outputTail).toHaveLength(1000);
    expect(run.outputTail.endsWith('xxxERR-END')).toBe(true);
    expect(run.stdout).toBe('x'.repeat(300));
  });

  it('reports a program that does not exist as a spawn error', async () => {
    const run = await runInProcessGroup({ argv: ['aidp-no-such-agent-program'], cwd: tempDir('spawn'), env: process.env, timeoutMs: 5000 });

    expect(run.exitCode).toBeNull();
    expect(run.spawnError).toMatch(/ENOENT/);
  });

  it('records the running group in the registry and removes the entry when it ends', async () => {
    const log = tempDir('log');
    const registry = { dir: tempDir('registry'), key: 'unit-a-1' };
    const entryFile = join(registry.dir, 'unit-a-1.json');
    const running = runInProcessGroup({ argv: scripted('--sleep', '1500', '--log', log), cwd: log, env: process.env, timeoutMs: 20_000, registry });
    await waitFor(() => starts(log).length > 0, 10_000, 'the agent to start');
    const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as { pgid: number; ownerPid: number; startedAt: string };

    expect(entry.pgid).toBe(starts(log)[0]!.pid);
    expect(entry.ownerPid).toBe(process.pid);
    expect(Date.parse(entry.startedAt)).not.toBeNaN();
    await running;
    expect(existsSync(entryFile)).toBe(false);
  });
});

describe('reaping orphaned process groups', () => {
  it('kills the group of a dead owner and leaves the group of a live owner alone', async () => {
    const dir = tempDir('registry');
    const log = tempDir('log');
    const orphan = spawn(process.execPath, scripted('--hang', '--log', log).slice(1), { detached: true, stdio: 'ignore' });
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { detached: true, stdio: 'ignore' });
    try {
      await waitFor(() => grandchildPids(log).length > 0, 10_000, 'the orphan grandchild');
      const startedAt = new Date().toISOString();
      writeFileSync(join(dir, 'orphan.json'), JSON.stringify({ pgid: orphan.pid, ownerPid: await deadPid(), startedAt }));
      writeFileSync(join(dir, 'live.json'), JSON.stringify({ pgid: live.pid, ownerPid: process.pid, startedAt }));

      expect(await reapOrphanedProcessGroups(dir)).toBe(1);
      expect(processIsRunning(orphan.pid!)).toBe(false);
      expect(processIsRunning(grandchildPids(log)[0]!)).toBe(false);
      expect(existsSync(join(dir, 'orphan.json'))).toBe(false);
      expect(processIsRunning(live.pid!)).toBe(true);
      expect(existsSync(join(dir, 'live.json'))).toBe(true);
    } finally {
      for (const child of [orphan, live]) if (processIsRunning(child.pid!)) process.kill(-child.pid!, 'SIGKILL');
    }
  });

  it('does not kill a group whose leader is not the process that was recorded', async () => {
    const dir = tempDir('registry');
    const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { detached: true, stdio: 'ignore' });
    try {
      const entry = { pgid: stranger.pid, ownerPid: await deadPid(), startedAt: new Date().toISOString(), leaderStartTicks: '1' };
      writeFileSync(join(dir, 'stale.json'), JSON.stringify(entry));

      expect(await reapOrphanedProcessGroups(dir)).toBe(0);
      expect(processIsRunning(stranger.pid!)).toBe(true);
      expect(existsSync(join(dir, 'stale.json'))).toBe(false);
    } finally {
      process.kill(-stranger.pid!, 'SIGKILL');
    }
  });
});

describe('running agents with fallback', () => {
  it('runs the second provider after the first is rate limited', async () => {
    const input = agentInput([scriptedProvider('--rate-limited'), scriptedProvider('--write')]);
    const result = await runAgents(input);

    expect(result.ok).toBe(true);
    expect(result.attempts.map((a) => [a.exitCode, a.rateLimited])).toEqual([
      [1, true],
      [0, false],
    ]);
    expect(readdirSync(join(input.cwd, 'units'))).toHaveLength(1);
  });

  it('runs the second provider after the first fails', async () => {
    const input = agentInput([scriptedProvider('--fail-units unit-a'), scriptedProvider('--write')]);
    const result = await runAgents(input);

    expect(result.ok).toBe(true);
    expect(result.attempts.map((a) => [a.exitCode, a.rateLimited])).toEqual([
      [1, false],
      [0, false],
    ]);
    expect(readdirSync(join(input.cwd, 'units'))).toHaveLength(1);
  });

  it('says why, attempt by attempt, when every provider fails', async () => {
    const result = await runAgents(agentInput([scriptedProvider('--rate-limited'), scriptedProvider('--fail-units unit-a')]));

    expect(result.ok).toBe(false);
    expect(result.reason).toBe('agent "command" was rate limited (it exited with code 1); then agent "command" exited with code 1');
    expect(result.outputTail).toMatch(/unit unit-a is set to fail/);
  });

  it('names the timeout and the process-group kill when an agent hangs', async () => {
    const result = await runAgents(agentInput([scriptedProvider('--hang')], { timeoutMs: 1500 }));

    expect(result.ok).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.reason).toBe('agent "command" timed out after 1.5s and was killed with its process group');
  });

  it('stops at a cancel without trying the next provider', async () => {
    const log = agentIoDir('log');
    const controller = new AbortController();
    const input = agentInput([scriptedProvider(`--sleep 30000 --log ${log}`), scriptedProvider(`--write --log ${log}`)], { signal: controller.signal });
    const running = runAgents(input);
    await waitFor(() => starts(log).length > 0, 10_000, 'the first agent');
    controller.abort();
    const result = await running;

    expect(result.cancelled).toBe(true);
    expect(result.attempts).toHaveLength(1);
    expect(starts(log)).toHaveLength(1);
    expect(existsSync(join(input.cwd, 'units'))).toBe(false);
  });

  it('does not take a successful agent that talks about rate limiting for a rate-limited one', async () => {
    const summary = join(agentIoDir('summary'), 'summary.txt');
    writeFileSync(summary, `I added rate limiting to the API: it now answers 429 when a client sends too much. ${'Details. '.repeat(60)}`);
    const result = await runAgents(agentInput([scriptedProvider(`--json ${summary}`), scriptedProvider('--write')]));

    expect(result.ok).toBe(true);
    expect(result.rateLimited).toBe(false);
    expect(result.attempts).toHaveLength(1);
  });

  it('gives the agent an environment without secrets that still holds ANTHROPIC_API_KEY', async () => {
    const base = { ...process.env, GITHUB_TOKEN: 'ghs_x', PRIVATE_KEY: 'pem', MY_SECRET: 'named', SNEAKY: 'a-sentinel-value-b', ANTHROPIC_API_KEY: 'sk-ant' };
    const checker = scriptedProvider('--assert-no-secrets GITHUB_TOKEN,PRIVATE_KEY,MY_SECRET --assert-no-value sentinel-value --require-env ANTHROPIC_API_KEY');
    const spec = { base, secretEnvNames: ['MY_SECRET'], secretValues: ['sentinel-value'], providerNames: ['ANTHROPIC_API_KEY'] };

    const sandboxed = await runAgents(agentInput([checker], { sandboxSpec: spec }));
    const unfiltered = await runAgents(agentInput([checker], { sandboxSettings: { enabled: false }, sandboxSpec: { ...spec, secretEnvNames: [], secretValues: [] } }));

    expect(sandboxed.ok).toBe(true);
    expect(unfiltered.exitCode).toBe(3);
  });

  it('writes the prompt to a file outside the worktree and removes it afterwards', async () => {
    const input = agentInput([scriptedProvider('--noop')], { prompt: 'Make it so ✓' });
    const result = await runAgents(input);
    const [, promptFile, bytes] = /prompt (\S+) \((\d+) bytes\)/.exec(result.outputTail) ?? [];

    expect(promptFile).toBe(result.promptFile);
    expect(relative(input.cwd, promptFile!).startsWith('..')).toBe(true);
    expect(Number(bytes)).toBe(Buffer.byteLength('Make it so ✓'));
    expect(existsSync(promptFile!)).toBe(false);
  });

  it('refuses a prompt key that would leave the prompt directory', async () => {
    await expect(runAgents(agentInput([scriptedProvider('--noop')], { promptKey: '../escape' }))).rejects.toMatchObject({
      type: 'InvalidPromptKey',
      nonRetryable: true,
    });
  });
});

describe('the agent activities', () => {
  const workDir = (): string => tempDir('work');
  const activities = (dir: string) => createAgentActivities({ workDir: dir, sandbox: testSandbox(dir), secretEnvNames: [], secretValues: [], baseEnv: process.env });

  it('executeAgent gives the agent its unit, iteration and worktree, and heartbeats while it runs', async () => {
    const env = mockActivity();
    let heartbeats = 0;
    env.on('heartbeat', () => heartbeats++);
    const worktreePath = tempDir('worktree');
    const result = await runIn(env, activities(workDir()).executeAgent, {
      worktreePath,
      prompt: 'Write the unit file',
      providers: [scriptedProvider('--write --sleep 1500')],
      timeoutMs: 20_000,
      unitId: 'unit-7',
      iteration: 3,
      promptKey: 'unit-7-3',
    });

    expect(result.ok).toBe(true);
    const [file] = readdirSync(join(worktreePath, 'units'));
    expect(readFileSync(join(worktreePath, 'units', file!), 'utf8')).toBe('unit: unit-7\niteration: 3\n');
    expect(heartbeats).toBeGreaterThanOrEqual(2);
  });

  it('executeAgent records its running agent under <workDir>/agents and removes the entry when it ends', async () => {
    const dir = workDir();
    const log = agentIoDir('log');
    const running = runIn(mockActivity(), activities(dir).executeAgent, {
      worktreePath: tempDir('worktree'),
      prompt: 'Take a second',
      providers: [scriptedProvider(`--sleep 1000 --log ${log}`)],
      timeoutMs: 20_000,
      unitId: 'unit-reg',
      iteration: 1,
      promptKey: 'unit-reg-1',
    });
    await waitFor(() => starts(log).length > 0, 10_000, 'the agent to start');
    const [entry] = readdirSync(join(dir, 'agents'));

    const recorded = JSON.parse(readFileSync(join(dir, 'agents', entry!), 'utf8')) as { pgid: number; ownerPid: number };
    // The group leader is the sandbox (bwrap), whose command line runs the agent.
    expect(recorded.ownerPid).toBe(process.pid);
    expect(livePidsMentioning(log)).toContain(recorded.pgid);
    await running;
    expect(readdirSync(join(dir, 'agents'))).toEqual([]);
  });

  it('executeAgent caps the output it returns, since it lands in workflow history', async () => {
    const big = join(agentIoDir('big'), 'out.txt');
    writeFileSync(big, 'y'.repeat(200_000));
    const result = await runIn(mockActivity(), activities(workDir()).executeAgent, {
      worktreePath: tempDir('worktree'),
      prompt: 'Print a lot',
      providers: [scriptedProvider(`--json ${big}`)],
      timeoutMs: 20_000,
      unitId: 'unit-big',
      iteration: 1,
      promptKey: 'unit-big-1',
    });

    expect(result.ok).toBe(true);
    expect(result.stdout.length).toBeLessThanOrEqual(8000);
    expect(result.outputTail.length).toBeLessThanOrEqual(8000);
  });

  it('executeAgent throws CancelledFailure on cancel, once the agent and its grandchild are dead', async () => {
    const env = mockActivity();
    const log = agentIoDir('log');
    const running = runIn(env, activities(workDir()).executeAgent, {
      worktreePath: tempDir('worktree'),
      prompt: 'Hang',
      providers: [scriptedProvider(`--hang --log ${log}`)],
      timeoutMs: 60_000,
      unitId: 'unit-hang',
      iteration: 1,
      promptKey: 'unit-hang-1',
    });
    await waitFor(() => grandchildPids(log).length > 0, 10_000, 'the grandchild');
    env.cancel();

    const failure = await rejectionOf(running);
    expect(failure).toBeInstanceOf(CancelledFailure);
    expect(livePidsMentioning(log)).toEqual([]);
  });

  it('askAgentForText returns the stdout of the first provider that succeeds', async () => {
    const json = join(agentIoDir('json'), 'units.json');
    writeFileSync(json, '{"units":[{"id":"a","title":"A"}]}');
    const text = await runIn(mockActivity(), activities(workDir()).askAgentForText, {
      prompt: 'Split this feature',
      cwd: tempDir('checkout'),
      providers: [scriptedProvider('--rate-limited'), scriptedProvider(`--json ${json}`)],
      timeoutMs: 20_000,
    });

    expect(text).toBe('{"units":[{"id":"a","title":"A"}]}');
  });

  it('askAgentForText throws a non-retryable AgentFailed naming the reason when no provider succeeds', async () => {
    const failure = await failureOf(
      runIn(mockActivity(), activities(workDir()).askAgentForText, { prompt: 'Split', cwd: tempDir('checkout'), providers: [scriptedProvider('--rate-limited')], timeoutMs: 20_000 }),
    );

    expect(failure.type).toBe('AgentFailed');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/rate limited/);
  });
});
