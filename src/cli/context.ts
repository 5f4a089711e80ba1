import type { Logger } from 'pino';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { credentialHelperCommand, credentialHelperEnv } from '../github/git-credential.js';
import { apiBaseUrlOf, gitHubHostOf } from '../github/github-host.js';
import type { Probot } from 'probot';
import { appCanAuthenticate, loadEnvConfig, secretValues, SECRET_ENV_NAMES, type EnvConfig } from '../config/env.js';
import { createLogger } from '../logging/logger.js';
import type { EngineConfig } from '../temporal/engine.js';
import type { ActivityDeps } from '../activities/index.js';
import { localCodecUrl, payloadKeys } from './codec.js';
import { sandboxSettings } from '../sandbox/settings.js';

export interface CliContext {
  env: EnvConfig;
  logger: Logger;
}

/**
 * Env config, validated all at once (a ConfigError names every bad field), and the logger.
 * Commands a person watches (`run`, `exec`, `status`...) log warnings only unless LOG_LEVEL says otherwise.
 */
export function loadCliContext(opts: { interactive?: boolean } = {}): CliContext {
  const quiet: NodeJS.ProcessEnv = opts.interactive && !process.env.LOG_LEVEL ? { LOG_LEVEL: 'warn' } : {};
  const env = loadEnvConfig({ ...process.env, ...quiet });
  // Logs go to stderr: stdout carries results (`--json`, status tables) for scripts.
  const logger = createLogger({ level: env.logLevel, secrets: secretValues(env), name: 'aidp', destination: pino.destination(2) });
  return { env, logger };
}

export function engineConfig(env: EnvConfig): EngineConfig {
  return {
    engine: env.engine,
    workDir: env.workDir,
    namespace: env.temporalNamespace,
    address: env.temporalAddress,
    apiKey: env.temporalApiKey,
    tls: env.temporalTls,
    tlsCertPath: env.temporalTlsCertPath,
    tlsKeyPath: env.temporalTlsKeyPath,
    tlsCaPath: env.temporalTlsCaPath,
    tlsServerName: env.temporalTlsServerName,
    embeddedPort: env.temporalPort,
    embeddedUiPort: env.temporalUiPort,
    uiUrl: env.uiUrl,
    payloadKeys: payloadKeys(env),
    uiCodecEndpoint: env.payloadKey ? localCodecUrl(env) : undefined,
  };
}

/** The app's GitHub clients (as the app, and per installation), when its id and key are set. */
function githubClients(env: EnvConfig): Pick<ActivityDeps, 'appId' | 'octokitFor' | 'reconcileGitHub'> {
  if (!appCanAuthenticate(env)) return {};
  const host = gitHubHostOf(env);
  // Probot is imported at the first GitHub call: the commands that never make one start without it.
  let probot: Promise<Probot> | undefined;
  const app = (): Promise<Probot> =>
    (probot ??= import('probot').then(({ Probot }) => new Probot({ appId: env.appId, privateKey: env.privateKey, baseUrl: apiBaseUrlOf(host) })));
  return {
    appId: env.appId,
    octokitFor: async (installationId) => (await app()).auth(installationId),
    reconcileGitHub: { app: async () => (await app()).auth(), installation: async (id) => (await app()).auth(id), host },
  };
}

/** The installed CLI, which git runs as its credential helper. */
const AIDP_BIN = fileURLToPath(new URL('../../../bin/aidp.js', import.meta.url));

export function activityDeps(ctx: CliContext): ActivityDeps {
  return {
    // With an app, git's fetch and push ask `aidp git-credential` for installation tokens: none in
    // URLs or env. Commit, status, diff and merge run without the helper and its environment.
    gitRemote: appCanAuthenticate(ctx.env) ? { credentialHelper: credentialHelperCommand(AIDP_BIN), env: credentialHelperEnv(ctx.env) } : undefined,
    ...githubClients(ctx.env),
    workDir: ctx.env.workDir,
    logger: ctx.logger,
    secretEnvNames: [...SECRET_ENV_NAMES],
    secretValues: secretValues(ctx.env),
    sandbox: sandboxSettings(ctx.env),
  };
}
