import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { buildAgentEnv } from '../src/activities/agent/agent-env.js';
import { splitCommandLine } from '../src/activities/agent/command-line.js';
import { buildAgentArgv } from '../src/activities/agent/presets.js';
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
      buildAgentArgv(provider, FILE, PROMPT);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect((thrown as ApplicationFailure).type).toBe('AgentConfigInvalid');
    expect((thrown as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('gives a command provider its words and args, but never the prompt itself', () => {
    const argv = buildAgentArgv({ preset: 'command', command: 'my-agent --fast', args: ['--model', 'x'] }, FILE, PROMPT);
    expect(argv).toEqual(['my-agent', '--fast', '--model', 'x']);
  });

  it.each([
    ['claude', ['claude', '-p', PROMPT, '--permission-mode', 'acceptEdits', '--output-format', 'text', '--extra']],
    ['codex', ['codex', 'exec', '--full-auto', PROMPT, '--extra']],
    ['gemini', ['gemini', '-p', PROMPT, '--yolo', '--extra']],
    ['aider', ['aider', '--yes-always', '--no-auto-commits', '--message-file', FILE, '--extra']],
    ['opencode', ['opencode', 'run', PROMPT, '--extra']],
    ['cursor-agent', ['cursor-agent', '-p', PROMPT, '--force', '--extra']],
    ['copilot', ['copilot', '-p', PROMPT, '--allow-all-tools', '--extra']],
  ] as const)('runs the %s preset non-interactively, with its args last', (preset, expected) => {
    expect(buildAgentArgv({ preset, args: ['--extra'] }, FILE, PROMPT)).toEqual(expected);
  });

  it('keeps a prompt that starts with a dash from being read as an option', () => {
    const argv = buildAgentArgv({ preset: 'codex', args: [] }, FILE, '--dangerously-bypass-approvals');
    expect(argv.at(-1)).toBe('\n--dangerously-bypass-approvals');
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
