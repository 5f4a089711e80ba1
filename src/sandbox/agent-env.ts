/**
 * Names that hold the app's own credentials, whatever the deployment calls its other secrets.
 * Provider API keys (ANTHROPIC_API_KEY, OPENAI_API_KEY, ...) are not among them: agents need them.
 */
const CREDENTIAL_NAMES = /^(GITHUB_TOKEN|GH_TOKEN|(.*_)?PRIVATE_KEY(_PATH)?|.*WEBHOOK_SECRET|TEMPORAL_API_KEY)$/i;

export interface AgentEnvInput {
  base: NodeJS.ProcessEnv;
  /** Variables that never reach an agent. */
  secretEnvNames: string[];
  /** Values that never reach an agent, whatever variable holds them. */
  secretValues: string[];
  extra: Record<string, string>;
}

/** The environment an agent (or a check running agent-written code) gets: the base minus every secret, plus `extra`. */
export function buildAgentEnv(input: AgentEnvInput): NodeJS.ProcessEnv {
  const names = new Set(input.secretEnvNames);
  const values = input.secretValues.filter((v) => v.length > 0);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(input.base)) {
    if (value === undefined || names.has(name) || CREDENTIAL_NAMES.test(name)) continue;
    if (values.some((secret) => value.includes(secret))) continue;
    env[name] = value;
  }
  return { ...env, ...input.extra };
}
