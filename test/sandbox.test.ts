import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createAgentActivities, type AgentRunResult } from '../src/activities/agent/agent-activities.js';
import { createCheckActivities } from '../src/activities/checks/check-activities.js';
import { SANDBOX_UNAVAILABLE } from '../src/domain/failure-types.js';
import { buildBwrapArgs, type BwrapPlan } from '../src/sandbox/bwrap-args.js';
import { providerEnvNames } from '../src/sandbox/provider-env.js';
import { buildSandboxEnv, type SandboxEnvInput } from '../src/sandbox/sandbox-env.js';
import { mockActivity } from './support/activity-env.js';
import { failureOf } from './support/failures.js';
import { tempDir } from './support/repos.js';
import { agentIoDir, livePidsMentioning, testSandbox } from './support/sandbox.js';
import { waitFor } from './support/wait-for.js';
import { scriptedProviders } from './support/scripted-agent.js';

function plan(extra: Partial<BwrapPlan> = {}): BwrapPlan {
  return {
    systemRoots: [{ path: '/usr' }, { path: '/bin', symlinkTo: 'usr/bin' }, { path: '/etc' }],
    readMounts: [],
    writeMounts: [],
    protectedPaths: ['/srv/app', '/keys/app.pem'],
    sealedDirs: ['/srv/aidp/work'],
    worktree: '/srv/aidp/work/worktrees/feat/unit-a',
    scratch: '/srv/aidp/work/sandboxes/unit-a-1',
    readOnlyFiles: [],
    networkArgs: [],
    ...extra,
  };
}

/** The `[flag, path, path]` triples of an argv, as "flag source dest". */
function mounts(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (['--ro-bind', '--bind', '--symlink'].includes(args[i]!)) out.push(`${args[i]} ${args[i + 1]} ${args[i + 2]}`);
  }
  return out;
}

describe('the bwrap argv', () => {
  it('unshares every namespace, drops every capability, dies with its parent and starts a new session', () => {
    const { args } = buildBwrapArgs(plan());

    expect(args.slice(0, 5)).toEqual(['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL']);
    expect(args).toEqual(expect.arrayContaining(['--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp']));
    expect(args).not.toContain('--share-net');
  });

  it('mounts the system roots read-only and keeps /bin -> usr/bin a symlink', () => {
    expect(mounts(buildBwrapArgs(plan()).args).slice(0, 3)).toEqual(['--ro-bind /usr /usr', '--symlink usr/bin /bin', '--ro-bind /etc /etc']);
  });

  it('makes only the worktree and the scratch dir writable, and works in the worktree', () => {
    const { args } = buildBwrapArgs(plan());
    const writable = mounts(args).filter((m) => m.startsWith('--bind '));

    expect(writable).toEqual([
      '--bind /srv/aidp/work/worktrees/feat/unit-a /srv/aidp/work/worktrees/feat/unit-a',
      '--bind /srv/aidp/work/sandboxes/unit-a-1 /srv/aidp/work/sandboxes/unit-a-1',
    ]);
    expect(args.slice(-2)).toEqual(['--chdir', '/srv/aidp/work/worktrees/feat/unit-a']);
  });

  it('binds the prompt file read-only again after the writable scratch dir', () => {
    const prompt = '/srv/aidp/work/sandboxes/unit-a-1/prompt.md';
    const all = mounts(buildBwrapArgs(plan({ readOnlyFiles: [prompt] })).args);

    expect(all.indexOf(`--ro-bind ${prompt} ${prompt}`)).toBeGreaterThan(all.indexOf('--bind /srv/aidp/work/sandboxes/unit-a-1 /srv/aidp/work/sandboxes/unit-a-1'));
  });

  it('drops a read path that is or contains a protected path, and says which', () => {
    const { args, dropped } = buildBwrapArgs(
      plan({
        readMounts: [
          { source: '/srv', dest: '/srv' },
          { source: '/keys/app.pem', dest: '/keys/app.pem' },
          { source: '/srv/app/node_modules/.bin', dest: '/srv/app/node_modules/.bin' },
          { source: '/opt/agents', dest: '/opt/agents' },
        ],
        writeMounts: [{ source: '/', dest: '/' }],
      }),
    );

    expect(dropped).toEqual([
      { path: '/srv', reason: 'it would expose the protected path /srv/app' },
      { path: '/keys/app.pem', reason: 'it would expose the protected path /keys/app.pem' },
      { path: '/', reason: 'it would expose the protected path /srv/app' },
    ]);
    expect(mounts(args)).toEqual(expect.arrayContaining(['--ro-bind /srv/app/node_modules/.bin /srv/app/node_modules/.bin', '--ro-bind /opt/agents /opt/agents']));
    expect(mounts(args).some((m) => m.includes(' /srv /srv') || m.includes('app.pem') || m === '--bind / /')).toBe(false);
  });

  it('drops a system root that holds a protected path', () => {
    const { args, dropped } = buildBwrapArgs(plan({ protectedPaths: ['/etc/aidp/key.pem'] }));

    expect(dropped.map((d) => d.path)).toEqual(['/etc']);
    expect(mounts(args)).not.toContain('--ro-bind /etc /etc');
  });

  it('drops a read path in the work dir, even through a symlink: mirrors and other worktrees stay unreadable', () => {
    const { args, dropped } = buildBwrapArgs(plan({ readMounts: [{ source: '/srv/aidp/work/mirrors', dest: '/home/me/mirrors' }] }));

    expect(dropped).toEqual([{ path: '/srv/aidp/work/mirrors', reason: 'it lies in /srv/aidp/work, which no sandbox may read' }]);
    expect(mounts(args).some((m) => m.includes('mirrors'))).toBe(false);
  });

  it('leaves out a read path already visible through a system root', () => {
    const { args } = buildBwrapArgs(plan({ readMounts: [{ source: '/usr/local/bin', dest: '/usr/local/bin' }] }));

    expect(mounts(args).filter((m) => m.includes('/usr/local/bin'))).toEqual([]);
  });

  it('mounts a read-only worktree read-only, with the protected paths inside it hidden', () => {
    const { args } = buildBwrapArgs(
      plan({
        worktree: '/home/me/project',
        worktreeReadOnly: true,
        masks: [
          { path: '/home/me/project/.env', kind: 'file' },
          { path: '/home/me/project/.aidp', kind: 'dir' },
        ],
      }),
    );
    const text = args.join(' ');

    expect(text).toContain('--ro-bind /home/me/project /home/me/project --ro-bind /dev/null /home/me/project/.env --tmpfs /home/me/project/.aidp');
    expect(text).not.toContain('--bind /home/me/project ');
  });

  it('adds the network args before the working directory', () => {
    const { args } = buildBwrapArgs(plan({ networkArgs: ['--share-net'] }));

    expect(args.slice(-3)).toEqual(['--share-net', '--chdir', '/srv/aidp/work/worktrees/feat/unit-a']);
  });
});

describe('the environment inside a sandbox', () => {
  const base = {
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: '/root',
    ANTHROPIC_API_KEY: 'sk-ant',
    OPENAI_API_KEY: 'sk-openai',
    WEBHOOK_SECRET: 'whsec',
    GITHUB_TOKEN: 'ghs_x',
    MY_DEPLOY_TOKEN: 'deploy',
    TEMPORAL_ADDRESS: 'temporal:7233',
  };
  const input = (extra: Partial<SandboxEnvInput>): SandboxEnvInput => ({
    kind: 'agent',
    base,
    home: '/w/sandboxes/k/home',
    tmp: '/w/sandboxes/k/tmp',
    runVars: { AIDP_UNIT_ID: 'u1', AIDP_ITERATION: '2', AIDP_WORKTREE: '/w/wt', AIDP_PROMPT_FILE: '/w/sandboxes/k/prompt.md', AIDP_SECRET_THING: 'x' },
    providerNames: ['ANTHROPIC_API_KEY'],
    secretEnvNames: ['WEBHOOK_SECRET'],
    secretValues: ['whsec'],
    networkEnv: {},
    ...extra,
  });

  it('holds PATH, the scratch HOME and TMPDIR, LANG, the run variables and the listed provider key, nothing else', () => {
    expect(buildSandboxEnv(input({}))).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/w/sandboxes/k/home',
      TMPDIR: '/w/sandboxes/k/tmp',
      LANG: 'C.UTF-8',
      AIDP_UNIT_ID: 'u1',
      AIDP_ITERATION: '2',
      AIDP_WORKTREE: '/w/wt',
      AIDP_PROMPT_FILE: '/w/sandboxes/k/prompt.md',
      ANTHROPIC_API_KEY: 'sk-ant',
    });
  });

  it('never passes the app secrets, even when the operator lists them', () => {
    const env = buildSandboxEnv(input({ providerNames: ['WEBHOOK_SECRET', 'GITHUB_TOKEN', 'OPENAI_API_KEY'] }));

    expect(env).not.toHaveProperty('WEBHOOK_SECRET');
    expect(env).not.toHaveProperty('GITHUB_TOKEN');
    expect(env.OPENAI_API_KEY).toBe('sk-openai');
  });

  it('gives checks CI=true and no provider variables', () => {
    const env = buildSandboxEnv(input({ kind: 'check', runVars: {} }));

    expect(env).toEqual({ PATH: '/usr/bin:/bin', HOME: '/w/sandboxes/k/home', TMPDIR: '/w/sandboxes/k/tmp', LANG: 'C.UTF-8', CI: 'true' });
  });

  it('takes the provider variables of the presets in use unless the operator lists others', () => {
    expect(providerEnvNames([{ preset: 'claude' }, { preset: 'gemini' }])).toEqual(
      expect.arrayContaining(['ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY']),
    );
    expect(providerEnvNames([{ preset: 'command' }])).toEqual([]);
    expect(providerEnvNames([{ preset: 'claude' }], ['MY_PROXY_KEY'])).toEqual(['MY_PROXY_KEY']);
  });
});

describe('failing closed', () => {
  it('refuses to start an agent with a non-retryable SandboxUnavailable when bwrap cannot run', async () => {
    const workDir = tempDir('work');
    const log = agentIoDir('log');
    const { executeAgent } = createAgentActivities({
      workDir,
      sandbox: testSandbox(workDir, { bwrapPath: join(workDir, 'no-such-bwrap') }),
      secretEnvNames: [],
      secretValues: [],
    });
    const failure = await failureOf(
      mockActivity().run(executeAgent, {
        worktreePath: tempDir('worktree'),
        prompt: 'Write',
        providers: scriptedProviders(`--write --log ${log}`),
        timeoutMs: 20_000,
        unitId: 'u1',
        iteration: 1,
        promptKey: 'u1-1',
      }),
    );

    expect(failure).toMatchObject({ type: SANDBOX_UNAVAILABLE, nonRetryable: true });
    expect(failure.message).toMatch(/apt-get install bubblewrap[\s\S]*AIDP_SANDBOX=off/);
    expect(readdirSync(log)).toEqual([]);
  });

  it('refuses to run a check the same way', async () => {
    const workDir = tempDir('work');
    const worktree = tempDir('worktree');
    const { runChecks } = createCheckActivities({ workDir, sandbox: testSandbox(workDir, { bwrapPath: join(workDir, 'no-such-bwrap') }) });
    const failure = await failureOf(
      mockActivity().run(runChecks, { worktreePath: worktree, checks: [{ name: 'test', command: 'touch ran', timeout_seconds: 10, required: true }] }),
    );

    expect(failure).toMatchObject({ type: SANDBOX_UNAVAILABLE, nonRetryable: true });
    expect(existsSync(join(worktree, 'ran'))).toBe(false);
  });
});

describe('an agent program missing inside the sandbox', () => {
  it('is reported as a CLI not installed on this worker, from bwrap\'s exec failure', async () => {
    const workDir = tempDir('work');
    const { executeAgent } = createAgentActivities({ workDir, sandbox: testSandbox(workDir), secretEnvNames: [], secretValues: [] });
    const result = (await mockActivity().run(executeAgent, {
      worktreePath: tempDir('worktree'),
      prompt: 'Write',
      providers: [{ preset: 'command' as const, command: 'aidp-no-such-agent-cli --yes', args: [] }],
      timeoutMs: 20_000,
      unitId: 'u1',
      iteration: 1,
      promptKey: 'u1-1',
    })) as AgentRunResult;

    expect(result.ok).toBe(false);
    expect({ reason: result.reason, missingCli: result.missingCli }).toEqual({
      reason: `agent CLI "aidp-no-such-agent-cli" is not installed on worker ${hostname()}`,
      missingCli: true,
    });
  });
});

describe('an agent asked for text', () => {
  it('reads its checkout but cannot change it, nor read the worker .env inside it', async () => {
    const workDir = tempDir('work');
    const checkout = tempDir('checkout');
    writeFileSync(join(checkout, 'spec.md'), 'split me');
    writeFileSync(join(checkout, '.env'), 'WEBHOOK_SECRET=whsec-in-dotenv');
    const script = [
      "const fs = require('node:fs');",
      "let wrote = 'no'; try { fs.writeFileSync('pwned.txt', 'x'); wrote = 'yes'; } catch {}",
      "let env; try { env = fs.readFileSync('.env', 'utf8'); } catch (err) { env = err.code; }",
      "process.stdout.write(JSON.stringify({ spec: fs.readFileSync('spec.md', 'utf8'), env, wrote }));",
    ].join(' ');
    const { askAgentForText } = createAgentActivities({
      workDir,
      sandbox: testSandbox(workDir, { protectedPaths: [workDir, checkout, join(checkout, '.env')] }),
      secretEnvNames: [],
      secretValues: [],
    });
    const text = (await mockActivity().run(askAgentForText, {
      prompt: 'Split',
      cwd: checkout,
      providers: [{ preset: 'command' as const, command: `node -e "${script}"`, args: [] }],
      timeoutMs: 20_000,
    })) as string;

    // The .env is replaced by /dev/null on a nodev mount: opening it is refused.
    expect(JSON.parse(text)).toEqual({ spec: 'split me', env: 'EACCES', wrote: 'no' });
    expect(existsSync(join(checkout, 'pwned.txt'))).toBe(false);
  });
});

describe('killing a sandbox', () => {
  const run = (workDir: string, command: string, timeoutMs: number): Promise<AgentRunResult> =>
    mockActivity().run(createAgentActivities({ workDir, sandbox: testSandbox(workDir), secretEnvNames: [], secretValues: [] }).executeAgent, {
      worktreePath: tempDir('worktree'),
      prompt: 'Escape',
      providers: [{ preset: 'command' as const, command, args: [] }],
      timeoutMs,
      unitId: 'u1',
      iteration: 1,
      promptKey: 'u1-1',
    }) as Promise<AgentRunResult>;

  it('kills a setsid grandchild when the agent exits, so its late write never happens', async () => {
    const io = agentIoDir('setsid');
    const marker = join(io, 'late-marker');
    const token = `setsid-exit-${Date.now()}`;
    const result = await run(tempDir('work'), `sh -c "setsid sh -c 'sleep 3; echo ${token} > ${marker}' & echo started > ${io}/started"`, 20_000);

    expect(result.ok).toBe(true);
    expect(existsSync(join(io, 'started'))).toBe(true);
    await waitFor(() => livePidsMentioning(token).length === 0, 5000, 'the grandchild to be gone');
    expect(livePidsMentioning(token)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it('kills a setsid grandchild with the agent at the timeout', async () => {
    const io = agentIoDir('setsid');
    const token = `setsid-timeout-${Date.now()}`;
    const result = await run(tempDir('work'), `sh -c "setsid sh -c 'sleep 60; echo ${token}' & echo started > ${io}/started; sleep 60"`, 1500);

    expect(result.timedOut).toBe(true);
    expect(existsSync(join(io, 'started'))).toBe(true);
    await waitFor(() => livePidsMentioning(token).length === 0, 5000, 'the grandchild to be gone');
    expect(livePidsMentioning(token)).toEqual([]);
  });
});
