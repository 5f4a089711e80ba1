import { buildAgentEnv } from './agent-env.js';

/** The run variables an agent may see; nothing else from aidp crosses into a sandbox. */
export const RUN_VARIABLES = ['AIDP_PROMPT_FILE', 'AIDP_UNIT_ID', 'AIDP_ITERATION', 'AIDP_WORKTREE'] as const;

export interface SandboxEnvInput {
  kind: 'agent' | 'check';
  /** The worker's environment: only PATH, LANG and the listed provider variables are taken from it. */
  base: NodeJS.ProcessEnv;
  home: string;
  tmp: string;
  runVars: Record<string, string>;
  /** Provider variables to pass (agents only); the app's secrets are removed even when listed. */
  providerNames: readonly string[];
  secretEnvNames: string[];
  secretValues: string[];
  networkEnv: Record<string, string>;
}

/** The whole environment inside a sandbox: PATH, HOME, TMPDIR, LANG, the AIDP_* run variables, CI for checks, listed provider keys for agents. */
export function buildSandboxEnv(input: SandboxEnvInput): Record<string, string> {
  const env: Record<string, string> = { PATH: input.base.PATH || '/usr/bin:/bin', HOME: input.home, TMPDIR: input.tmp };
  if (input.base.LANG) env.LANG = input.base.LANG;
  for (const name of RUN_VARIABLES) {
    const value = input.runVars[name];
    if (value !== undefined) env[name] = value;
  }
  if (input.kind === 'check') env.CI = 'true';
  if (input.kind === 'agent') {
    const listed: NodeJS.ProcessEnv = {};
    for (const name of input.providerNames) if (input.base[name] !== undefined) listed[name] = input.base[name];
    const allowed = buildAgentEnv({ base: listed, secretEnvNames: input.secretEnvNames, secretValues: input.secretValues, extra: {} });
    for (const [name, value] of Object.entries(allowed)) if (value !== undefined) env[name] = value;
  }
  return { ...env, ...input.networkEnv };
}
