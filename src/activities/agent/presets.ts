import { ApplicationFailure } from '@temporalio/common';
import type { AgentProvider } from '../../config/repo-config.js';
import { CommandLineError, splitCommandLine } from './command-line.js';
import { AGENT_CONFIG_INVALID } from '../../domain/failure-types.js';

/** How a provider is started: its argv, and what goes to its stdin (nothing when undefined). */
export interface AgentInvocation {
  argv: string[];
  stdin?: string;
}

type Preset = Exclude<AgentProvider['preset'], 'command'>;

/**
 * The non-interactive invocation of each preset, checked against each CLI's help (versions in
 * test/support/agent-clis.ts; test/agent-cli-contract.test.ts runs the real CLIs). Each one runs
 * once without a terminal, may edit the worktree without asking, and starts in a directory it has
 * never seen without a trust prompt or a downgraded approval mode.
 *
 * No prompt ever goes in argv: Linux refuses a single argument over 128 KiB (E2BIG), and an argv
 * is readable by every process on the host. Each CLI reads the prompt from stdin when stdin is not
 * a terminal, except aider, which reads the prompt file by its path (given: in a sandbox it is
 * another path than the worker's).
 */
const PRESETS: Record<Preset, (promptFile: string) => { argv: string[]; prompt: 'stdin' | 'file' }> = {
  // `-p` with no prompt argument reads the prompt from stdin; print mode skips the trust dialog.
  claude: () => ({ argv: ['claude', '-p', '--permission-mode', 'acceptEdits', '--output-format', 'text'], prompt: 'stdin' }),
  // `exec` never asks for approval; `--full-auto` is gone, the sandbox mode says what it may write.
  // The git-repo check is skipped because a sandbox may hide the mirror a worktree's `.git` names.
  // A prompt of `-` is read from stdin.
  codex: () => ({ argv: ['codex', 'exec', '--sandbox', 'workspace-write', '--skip-git-repo-check', '-'], prompt: 'stdin' }),
  // Without a TTY gemini runs headless on what stdin holds. In a folder it has not been told to
  // trust it drops any approval mode back to "default", so `--skip-trust` comes with yolo.
  gemini: () => ({ argv: ['gemini', '--skip-trust', '--approval-mode', 'yolo'], prompt: 'stdin' }),
  // `--message-file` runs once and exits. `--yes-always` answers every question, so the ones that
  // would say yes to calling home (the update check, the analytics opt-in) are turned off first.
  aider: (promptFile) => ({
    argv: ['aider', '--yes-always', '--no-auto-commits', '--no-check-update', '--no-analytics', '--message-file', promptFile],
    prompt: 'file',
  }),
  // `run` takes stdin as the message when it is not a TTY; `--auto` approves what would otherwise
  // wait for an answer nobody gives.
  opencode: () => ({ argv: ['opencode', 'run', '--auto'], prompt: 'stdin' }),
  // Print mode with no prompt argument reads the prompt from stdin; `--trust` answers the
  // workspace trust prompt that print mode cannot show.
  'cursor-agent': () => ({ argv: ['cursor-agent', '-p', '--force', '--trust'], prompt: 'stdin' }),
  // A piped prompt runs once, non-interactively; `-p` must stay out, or the piped prompt is
  // ignored. Nothing is asked and no newer version is fetched mid-run.
  copilot: () => ({ argv: ['copilot', '--allow-all-tools', '--no-ask-user', '--no-auto-update'], prompt: 'stdin' }),
};

/**
 * How a provider runs, never through a shell. A `command` provider gets the prompt through the
 * file named by $AIDP_PROMPT_FILE only; its command line is split into words with quotes
 * honoured and nothing expanded. Throws a non-retryable `AgentConfigInvalid` for a command line
 * that cannot be split.
 */
export function buildAgentInvocation(provider: AgentProvider, promptFile: string, prompt: string): AgentInvocation {
  if (provider.preset === 'command') {
    const words = splitProviderCommand(provider.command ?? '');
    if (words.length === 0) throw ApplicationFailure.nonRetryable('agent preset "command" has an empty command line', AGENT_CONFIG_INVALID);
    return { argv: [...words, ...provider.args] };
  }
  const preset = PRESETS[provider.preset](promptFile);
  const argv = [...preset.argv, ...provider.args];
  return preset.prompt === 'stdin' ? { argv, stdin: prompt } : { argv };
}

/** How a provider is named in results and reasons. */
export function providerName(provider: AgentProvider): string {
  return provider.preset;
}

function splitProviderCommand(line: string): string[] {
  try {
    return splitCommandLine(line);
  } catch (err) {
    if (err instanceof CommandLineError) throw ApplicationFailure.nonRetryable(err.message, AGENT_CONFIG_INVALID);
    throw err;
  }
}
