import { ApplicationFailure } from '@temporalio/common';
import type { AgentProvider } from '../../config/repo-config.js';
import { CommandLineError, splitCommandLine } from './command-line.js';

/**
 * The non-interactive invocation of each preset. A prompt starting with "-" would be read as
 * an option, so it gets a leading newline.
 */
const PRESET_ARGV: Record<Exclude<AgentProvider['preset'], 'command'>, (prompt: string, promptFile: string) => string[]> = {
  claude: (prompt) => ['claude', '-p', prompt, '--permission-mode', 'acceptEdits', '--output-format', 'text'],
  codex: (prompt) => ['codex', 'exec', '--full-auto', prompt],
  gemini: (prompt) => ['gemini', '-p', prompt, '--yolo'],
  aider: (_prompt, promptFile) => ['aider', '--yes-always', '--no-auto-commits', '--message-file', promptFile],
  opencode: (prompt) => ['opencode', 'run', prompt],
  'cursor-agent': (prompt) => ['cursor-agent', '-p', prompt, '--force'],
  copilot: (prompt) => ['copilot', '-p', prompt, '--allow-all-tools'],
};

/**
 * The argv that runs a provider, never a shell line. A `command` provider gets the prompt
 * through the file named by $AIDP_PROMPT_FILE only; its command line is split into words with
 * quotes honoured and nothing expanded. Throws a non-retryable `AgentConfigInvalid` for a
 * command line that cannot be split.
 */
export function buildAgentArgv(provider: AgentProvider, promptFile: string, prompt: string): string[] {
  if (provider.preset === 'command') {
    const words = splitProviderCommand(provider.command ?? '');
    if (words.length === 0) throw ApplicationFailure.nonRetryable('agent preset "command" has an empty command line', 'AgentConfigInvalid');
    return [...words, ...provider.args];
  }
  const safePrompt = prompt.startsWith('-') ? `\n${prompt}` : prompt;
  return [...PRESET_ARGV[provider.preset](safePrompt, promptFile), ...provider.args];
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
