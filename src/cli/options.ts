import { InvalidArgumentError } from 'commander';
import { AGENT_PRESETS, type AgentPreset, type AgentProvider } from '../config/repo-config.js';
import { InputError } from '../domain/input-error.js';

export function positiveInt(name: string, max = 1000) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from 1 to ${max} (got "${value}")`);
    }
    return n;
  };
}

/** `--agent PRESET` / `--agent-command CMD` → the providers to use instead of the repo config's. */
export function agentOverride(opts: { agent?: string; agentCommand?: string }): AgentProvider[] | undefined {
  if (opts.agent && opts.agentCommand) throw new InputError('use --agent or --agent-command, not both');
  if (opts.agentCommand) return [{ preset: 'command', command: opts.agentCommand, args: [] }];
  if (!opts.agent) return undefined;
  if (!(AGENT_PRESETS as readonly string[]).includes(opts.agent) || opts.agent === 'command') {
    const presets = AGENT_PRESETS.filter((p) => p !== 'command').join(', ');
    throw new InputError(`--agent must be one of ${presets} (got "${opts.agent}"); use --agent-command for any other CLI`);
  }
  return [{ preset: opts.agent as AgentPreset, args: [] }];
}
