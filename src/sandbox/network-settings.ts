import type { AgentPreset } from '../config/repo-config.js';
import type { NetworkPolicy } from '../domain/network-policy.js';
import { presetNetworkDefaults } from './network-defaults.js';

/** What the sandboxes of one repository may reach: agents, and the checks that run their code. */
export interface NetworkSettings {
  agents: NetworkPolicy;
  checks: NetworkPolicy;
}

/** `sandbox.network` of `.github/aidp.yml`, as parsed. */
export interface NetworkConfig {
  allow?: string[];
  checks_allow: string[];
}

type Providers = ReadonlyArray<{ preset: AgentPreset }>;

/**
 * The repository's lists, with the agents' one defaulting to what the providers in use need.
 * An `allow` that is set replaces the defaults. Pure: workflows compute it from the config.
 */
export function networkSettings(config: NetworkConfig, providers: Providers): NetworkSettings {
  return {
    agents: { allow: config.allow ? [...config.allow] : presetNetworkDefaults(providers) },
    checks: { allow: [...config.checks_allow] },
  };
}

/** The agents' policy; a run started before settings carried one gets the providers' defaults. */
export function agentNetwork(settings: NetworkSettings | undefined, providers: Providers): NetworkPolicy {
  return settings?.agents ?? { allow: presetNetworkDefaults(providers) };
}

/** The checks' policy; a run started before settings carried one gets no network. */
export function checkNetwork(settings: NetworkSettings | undefined): NetworkPolicy {
  return settings?.checks ?? { allow: [] };
}
