import type { AgentProvider, RepoConfig } from '../config/repo-config.js';
import type { SetupSettings } from '../domain/setup.js';
import { networkSettings } from '../sandbox/network-settings.js';
import type { FeatureSettings } from './feature-orchestration/messages.js';
import type { NamedCheck } from './work-loop/messages.js';

export interface SettingOverrides {
  providers?: AgentProvider[];
  concurrency?: number;
  maxIterations?: number;
  agentTimeoutMs?: number;
  mergeThreshold?: number;
}

/** The repo's checks in the order `.github/aidp.yml` lists them. */
export function namedChecks(config: RepoConfig): NamedCheck[] {
  return Object.entries(config.checks).map(([name, check]) => ({ name, ...check }));
}

/** Repo config (from the base branch) with the caller's overrides on top. */
export function featureSettings(config: RepoConfig, overrides: SettingOverrides = {}): FeatureSettings {
  const providers = overrides.providers ?? config.agents.providers;
  return {
    providers,
    agentTimeoutMs: overrides.agentTimeoutMs ?? config.agents.timeout_seconds * 1000,
    checks: namedChecks(config),
    maxIterations: overrides.maxIterations ?? config.max_iterations,
    concurrency: overrides.concurrency ?? config.concurrency,
    conventions: config.conventions,
    mergeThreshold: overrides.mergeThreshold ?? config.merge.threshold,
    // The agents' default follows the providers in use, an `--agent` override included. A config
    // loaded (and recorded in a history) before `sandbox` existed has none: the defaults then.
    network: networkSettings((config.sandbox as RepoConfig['sandbox'] | undefined)?.network ?? { checks_allow: [] }, providers),
    ...(config.setup ? { setup: setupSettings(config) } : {}),
  };
}

/** The repository's setup, with the hosts its sandboxes may reach. */
export function setupSettings(config: RepoConfig): SetupSettings | undefined {
  if (!config.setup) return undefined;
  const allow = (config.sandbox as RepoConfig['sandbox'] | undefined)?.network.setup_allow ?? [];
  return {
    commands: config.setup.commands.map((c) => ({ command: c.command, timeout_seconds: c.timeout_seconds })),
    ...(config.setup.cache ? { cache: { key_files: [...config.setup.cache.key_files], paths: [...config.setup.cache.paths] } } : {}),
    network: { allow: [...allow] },
  };
}
