import { describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { buildAgentEnv } from '../src/sandbox/agent-env.js';
import { splitCommandLine } from '../src/activities/agent/command-line.js';
import { buildAgentInvocation } from '../src/activities/agent/presets.js';
import { runAgentWithFallback } from '../src/activities/agent/run-agent.js';
import type { AgentProvider } from '../src/config/repo-config.js';
import { openUntrustedRun } from '../src/sandbox/untrusted-run.js';
import { tempDir } from './support/repos.js';
import { testSandbox } from './support/sandbox.js';

const PROMPT = 'Add a clamp function';
const FILE = '/work/prompts/unit-1.md';

describe('agent command lines', () => {
  it('splits $(touch pwned) into literal words, and running it creates nothing', async () => {
    const cwd = tempDir('splitter');
    const printArgs = `node -e "process.stdout.write(JSON.stringify(process.argv.slice(1)))"`;
    const workDir = tempDir('work');
    const sandbox = await openUntrustedRun(testSandbox(workDir), { kind: 'agent', worktree: cwd, key: 'splitter', base: process.env, secretEnvNames: [], secretValues: [], runVars: {} });
    const result = await runAgentWithFallback({
      providers: [{ preset: 'command', command: `${printArgs} $(touch pwned) "$(touch pwned2)" \`touch pwned3\` *`, args: [] }],
      prompt: PROMPT,
      cwd,
      timeoutMs: 10_000,
      sandbox,
      promptKey: 'splitter',
    }).finally(() => sandbox.close());

    expect(result.ok).toBe(true);
    expect(JSON.parse(result.stdout)).toEqual(['$(touch', 'pwned)', '$(touch pwned2)', '`touch', 'pwned3`', '*']);
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);
  });

  it('honours single quotes, double quotes and backslash escapes', () => {
    expect(splitCommandLine(`my-agent 'a b' "c \\"d\\" \\$HOME" e\\ f it\\'s '' --x="y z"`)).toEqual([
      'my-agent',
      'a b',
      'c "d" $HOME',
      'e f',
      "it's",
      '',
      '--x=y z',
    ]);
  });

  it('refuses a command line with an unterminated quote as a non-retryable config error', () => {
    const provider: AgentProvider = { preset: 'command', command: `my-agent "unclosed`, args: [] };
    let thrown: unknown;
    try {
      buildAgentInvocation(provider, FILE, PROMPT);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect((thrown as ApplicationFailure).type).toBe('AgentConfigInvalid');
    expect((thrown as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('gives a command provider its words and args, but never the prompt itself', () => {
    const invocation = buildAgentInvocation({ preset: 'command', command: 'my-agent --fast', args: ['--model', 'x'] }, FILE, PROMPT);
    expect(invocation).toEqual({ argv: ['my-agent', '--fast', '--model', 'x'] });
  });

  it.each([
    ['claude', ['claude', '-p', '--permission-mode', 'acceptEdits', '--output-format', 'text', '--extra']],
    ['codex', ['codex', 'exec', '--sandbox', 'workspace-write', '--skip-git-repo-check', '-', '--extra']],
    ['gemini', ['gemini', '--skip-trust', '--approval-mode', 'yolo', '--extra']],
    ['opencode', ['opencode', 'run', '--auto', '--extra']],
    ['cursor-agent', ['cursor-agent', '-p', '--force', '--trust', '--extra']],
    ['copilot', ['copilot', '--allow-all-tools', '--no-ask-user', '--no-auto-update', '--extra']],
  ] as const)('runs the %s preset non-interactively with the prompt on stdin and its args last', (preset, argv) => {
    expect(buildAgentInvocation({ preset, args: ['--extra'] }, FILE, PROMPT)).toEqual({ argv, stdin: PROMPT });
  });

  it('gives aider the prompt file by the path it is handed, and nothing on stdin', () => {
    expect(buildAgentInvocation({ preset: 'aider', args: ['--extra'] }, FILE, PROMPT)).toEqual({
      argv: ['aider', '--yes-always', '--no-auto-commits', '--no-check-update', '--no-analytics', '--message-file', FILE, '--extra'],
    });
  });

  it('never puts the prompt in argv, so a prompt that starts with a dash is no option', () => {
    for (const preset of ['claude', 'codex', 'gemini', 'aider', 'opencode', 'cursor-agent', 'copilot'] as const) {
      expect(buildAgentInvocation({ preset, args: [] }, FILE, '--dangerously-bypass-approvals').argv).not.toContain('--dangerously-bypass-approvals');
    }
  });
});

/** A stand-in for a preset's CLI on PATH: prints the bytes it got on stdin (or in its --message-file) and the longest argv word. */
function fakeCli(dir: string, name: string): void {
  const script = [
    '#!/usr/bin/env node',
    "const { readFileSync } = require('node:fs');",
    'const args = process.argv.slice(2);',
    "const file = args.indexOf('--message-file');",
    'const prompt = file >= 0 ? readFileSync(args[file + 1]) : readFileSync(0);',
    'const longest = Math.max(0, ...args.map((a) => Buffer.byteLength(a)));',
    'process.stdout.write(JSON.stringify({ promptBytes: prompt.length, longestArg: longest }));',
  ].join('\n');
  writeFileSync(join(dir, name), script);
  chmodSync(join(dir, name), 0o755);
}

describe('long prompts', () => {
  const PROMPT_300K = `# Task\n${'Make the parser accept every form in the spec. '.repeat(6400)}`;

  it.each(['claude', 'codex', 'gemini', 'aider', 'opencode', 'cursor-agent', 'copilot'] as const)(
    'hands a 300 KB prompt to a real %s process without E2BIG',
    async (preset) => {
      const bin = tempDir('bin');
      fakeCli(bin, preset);
      const cwd = tempDir('worktree');
      const sandbox = await openUntrustedRun(testSandbox(tempDir('work'), { readPaths: [bin] }), {
        kind: 'agent',
        worktree: cwd,
        key: `long-${preset}`,
        base: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
        secretEnvNames: [],
        secretValues: [],
        runVars: {},
      });
      const result = await runAgentWithFallback({
        providers: [{ preset, args: [] }],
        prompt: PROMPT_300K,
        cwd,
        timeoutMs: 20_000,
        sandbox,
        promptKey: `long-${preset}`,
      }).finally(() => sandbox.close());

      expect(result.reason).toBeUndefined();
      expect(Buffer.byteLength(PROMPT_300K)).toBeGreaterThan(300_000);
      expect(JSON.parse(result.stdout)).toEqual({ promptBytes: Buffer.byteLength(PROMPT_300K), longestArg: expect.any(Number) });
      expect(JSON.parse(result.stdout).longestArg).toBeLessThan(1000);
    },
  );
});

describe('a missing agent CLI', () => {
  // In the sandbox, as agents run: a program missing there is reported by bwrap's exec.
  const run = async (providers: AgentProvider[], cwd = tempDir('worktree')) => {
    const sandbox = await openUntrustedRun(testSandbox(tempDir('work')), {
      kind: 'agent',
      worktree: cwd,
      key: 'missing-cli',
      // No agent CLI on this PATH; bwrap and the shell's tools are.
      base: { PATH: `${tempDir('empty-bin')}:/usr/bin:/bin` },
      secretEnvNames: [],
      secretValues: [],
      runVars: {},
    });
    return runAgentWithFallback({ providers, prompt: PROMPT, cwd, timeoutMs: 10_000, sandbox, promptKey: 'missing-cli' }).finally(() => sandbox.close());
  };

  it('is reported as not installed, naming the program and the worker, and marked missingCli', async () => {
    const result = await run([{ preset: 'codex', args: [] }]);

    expect(result.ok).toBe(false);
    expect(result.missingCli).toBe(true);
    expect(result.reason).toBe(`agent CLI "codex" is not installed on worker ${hostname()}`);
  });

  it('is named for each provider of a fallback chain where none is installed', async () => {
    const result = await run([
      { preset: 'claude', args: [] },
      { preset: 'command', command: 'my-agent --fast', args: [] },
    ]);

    expect(result.missingCli).toBe(true);
    expect(result.reason).toBe(
      `agent CLI "claude" is not installed on worker ${hostname()}; then agent CLI "my-agent" is not installed on worker ${hostname()}`,
    );
  });

  it('is not marked missingCli when a fallback provider started and failed: that failure is the agent\'s', async () => {
    const result = await run([
      { preset: 'claude', args: [] },
      { preset: 'command', command: `${process.execPath} -e "process.exit(3)"`, args: [] },
    ]);

    expect(result.ok).toBe(false);
    expect(result.missingCli).toBeUndefined();
    expect(result.reason).toMatch(/^agent CLI "claude" is not installed on worker .+; then agent "command" exited with code 3$/);
  });

  it('is not blamed when the worktree is missing and the program is there', async () => {
    const result = await run([{ preset: 'command', command: process.execPath, args: [] }], join(tempDir('gone'), 'worktree'));

    expect(result.missingCli).toBeUndefined();
    expect(result.reason).not.toMatch(/not installed/);
  });
});

describe('the agent environment', () => {
  const base = {
    PATH: '/usr/bin',
    ANTHROPIC_API_KEY: 'sk-ant-keep',
    OPENAI_API_KEY: 'sk-openai-keep',
    GITHUB_TOKEN: 'ghs_token',
    GH_TOKEN: 'ghs_token2',
    PRIVATE_KEY: '-----BEGIN RSA',
    APP_PRIVATE_KEY: '-----BEGIN RSA 2',
    WEBHOOK_SECRET: 'whsec',
    GITHUB_WEBHOOK_SECRET: 'whsec2',
    MY_APP_SECRET: 'named-secret',
    INNOCENT_LOOKING: 'prefix-installation-token-123-suffix',
  };

  it('drops named secrets, credential-shaped names and any variable holding a secret value, and keeps provider keys', () => {
    const env = buildAgentEnv({
      base,
      secretEnvNames: ['MY_APP_SECRET'],
      secretValues: ['installation-token-123', ''],
      extra: { AIDP_UNIT_ID: 'u1' },
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      ANTHROPIC_API_KEY: 'sk-ant-keep',
      OPENAI_API_KEY: 'sk-openai-keep',
      AIDP_UNIT_ID: 'u1',
    });
  });
});
