import type { AgentProvider } from '../../src/config/repo-config.js';
import { SCRIPTED_AGENT } from './cli.js';

/** The scripted agent (test/fixtures/agents/scripted-agent.mjs) as a `command` provider; `flags` are its options. */
export function scriptedProvider(flags: string): AgentProvider {
  return { preset: 'command', command: `node ${SCRIPTED_AGENT} ${flags}`.trimEnd(), args: [] };
}

/** A provider list of just the scripted agent. */
export function scriptedProviders(flags: string): AgentProvider[] {
  return [scriptedProvider(flags)];
}
