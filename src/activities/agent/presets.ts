import { ApplicationFailure } from '@temporalio/common';
import type { AgentProvider } from '../../config/repo-config.js';
import { CommandLineError, splitCommandLine } from './command-line.js';

/** How a provider is started: its argv, and what goes to its stdin (nothing when undefined). */
export interface AgentInvocation {
  argv: string[];
  stdin?: string;
}

type Preset = Exclude<AgentProvider['preset'], 'command'>;

/**
 * The non-interactive invocation of each preset. No prompt ever goes in argv: Linux refuses a
 * single argument over 128 KiB (E2BIG), and an argv is readable by every process on the host.
 * Each CLI reads the prompt from stdin when stdin is not a terminal, except aider, which reads
 * the prompt file by its path (given: in a sandbox it is another path than the worker's).
 */
const PRESETS: Record<Preset, (promptFile: string) => { argv: string[]; prompt: 'stdin' | 'file' }> = {
  // `-p` with no prompt argument: the prompt is read from stdin.
  claude: () => ({ argv: ['claude', '-p', '--permission-mode', 'acceptEdits', '--output-format', 'text'], prompt: 'stdin' }),
  // A prompt of `-` is read from stdin.
  codex: () => ({ argv: ['codex', 'exec', '--full-auto', '-'], prompt: 'stdin' }),
  // Without a TTY on stdin gemini runs once, non-interactively, on what stdin holds.
  gemini: () => ({ argv: ['gemini', '--yolo'], prompt: 'stdin' }),
  aider: (promptFile) => ({ argv: ['aider', '--yes-always', '--no-auto-commits', '--message-file', promptFile], prompt: 'file' }),
  // `run` reads stdin to its end when it is not a TTY, and takes it as the message.
  opencode: () => ({ argv: ['opencode', 'run'], prompt: 'stdin' }),
  // Print mode with no prompt argument reads the prompt from stdin.
  'cursor-agent': () => ({ argv: ['cursor-agent', '-p', '--force'], prompt: 'stdin' }),
  // A piped prompt runs once; `-p` must stay out, or the piped prompt is ignored.
  copilot: () => ({ argv: ['copilot', '--allow-all-tools'], prompt: 'stdin' }),
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
    if (words.length === 0) throw ApplicationFailure.nonRetryable('agent preset "command" has an empty command line', 'AgentConfigInvalid');
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
    if (err instanceof CommandLineError) throw ApplicationFailure.nonRetryable(err.message, 'AgentConfigInvalid');
    throw err;
  }
}
