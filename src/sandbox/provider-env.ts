import type { AgentProvider } from '../config/repo-config.js';

/**
 * The provider variables each preset's CLI reads, passed into its sandbox unless the operator
 * lists others in AIDP_SANDBOX_ENV. The one place these defaults live.
 */
export const PROVIDER_ENV_DEFAULTS: Record<AgentProvider['preset'], readonly string[]> = {
  claude: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_OAUTH_TOKEN'],
  codex: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  aider: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'OPENROUTER_API_KEY', 'DEEPSEEK_API_KEY'],
  opencode: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'OPENROUTER_API_KEY'],
  'cursor-agent': ['CURSOR_API_KEY'],
  copilot: ['COPILOT_GITHUB_TOKEN'],
  command: [],
};

/** The provider variable names a run of these providers gets: the operator's list, else the presets' defaults. */
export function providerEnvNames(providers: readonly Pick<AgentProvider, 'preset'>[], operatorList?: readonly string[]): string[] {
  if (operatorList) return [...operatorList];
  return [...new Set(providers.flatMap((p) => PROVIDER_ENV_DEFAULTS[p.preset]))];
}
