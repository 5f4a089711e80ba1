import type { AgentPreset } from '../config/repo-config.js';

/**
 * The hosts an agent preset needs when `sandbox.network.allow` is not set: its model API and
 * the sign-in it uses. Nothing else (no package registry, no GitHub): a repository lists those
 * itself. Pure: workflows read it.
 */
export const PRESET_NETWORK_DEFAULTS: Readonly<Record<AgentPreset, readonly string[]>> = {
  // An ANTHROPIC_API_KEY or a `claude setup-token` token both go to the API host.
  claude: ['api.anthropic.com'],
  // API key: api.openai.com; a ChatGPT sign-in: chatgpt.com, with token refresh at auth.openai.com.
  codex: ['api.openai.com', 'chatgpt.com', 'auth.openai.com'],
  // API key: the Gemini API; a Google sign-in: Code Assist and Google's OAuth token endpoint.
  gemini: ['generativelanguage.googleapis.com', 'cloudcode-pa.googleapis.com', 'oauth2.googleapis.com'],
  // aider's default models are Anthropic's or OpenAI's, by the key it finds; others are listed by the repository.
  aider: ['api.anthropic.com', 'api.openai.com'],
  // opencode reads its model catalogue from models.dev; its providers as aider's.
  opencode: ['models.dev', 'api.anthropic.com', 'api.openai.com'],
  'cursor-agent': ['*.cursor.sh'],
  // The Copilot API, and GitHub's API for the token exchange and the user's entitlement.
  copilot: ['api.github.com', '*.githubcopilot.com'],
  // Any other command line: nothing is assumed.
  command: [],
};

/** The hosts every provider of the fallback chain needs, each once, in order. */
export function presetNetworkDefaults(providers: ReadonlyArray<{ preset: AgentPreset }>): string[] {
  return [...new Set(providers.flatMap((p) => PRESET_NETWORK_DEFAULTS[p.preset]))];
}
