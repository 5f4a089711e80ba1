import type { Logger } from 'pino';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { credentialHelperEnv } from '../github/git-credential.js';
import { Probot } from 'probot';
import { appIsConfigured, loadEnvConfig, secretValues, SECRET_ENV_NAMES, type EnvConfig } from '../config/env.js';
import { createLogger } from '../logging/logger.js';
import type { EngineConfig } from '../temporal/engine.js';
import type { ActivityDeps } from '../activities/index.js';
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
  };
}

/** The app's GitHub clients (as the app, and per installation), when an app is configured. */
function githubClients(env: EnvConfig): Pick<ActivityDeps, 'octokitFor' | 'reconcileGitHub'> {
  if (!appIsConfigured(env)) return {};
  const probot = new Probot({
    appId: env.appId,
    privateKey: env.privateKey,
    baseUrl: env.gheHost ? `${env.gheProtocol}://${env.gheHost}/api/v3` : undefined,
  });
  return {
    octokitFor: (installationId) => probot.auth(installationId),
    reconcileGitHub: { app: () => probot.auth(), installation: (id) => probot.auth(id) },
  };
}

/** The installed CLI, which git runs as its credential helper. */
const AIDP_BIN = fileURLToPath(new URL('../../../bin/aidp.js', import.meta.url));

export function activityDeps(ctx: CliContext): ActivityDeps {
  return {
    // With an app, git asks `aidp git-credential` for installation tokens: none in URLs or env.
    gitEnv: appIsConfigured(ctx.env) ? credentialHelperEnv(AIDP_BIN) : undefined,
    ...githubClients(ctx.env),
    workDir: ctx.env.workDir,
    logger: ctx.logger,
    secretEnvNames: [...SECRET_ENV_NAMES],
    secretValues: secretValues(ctx.env),
    sandbox: sandboxSettings(ctx.env),
  };
}
