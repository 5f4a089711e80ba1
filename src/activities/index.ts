import type { Logger } from 'pino';
import { createAgentActivities } from './agent/agent-activities.js';
import { reapOrphanedProcessGroups } from './agent/process-group.js';
import { createCheckActivities } from './checks/check-activities.js';
import { createDecomposeActivities } from './decompose/decompose-activities.js';
import { createGitActivities } from './git/git-activities.js';
import { heartbeatAll } from './heartbeat.js';
import { createHostClaimActivities } from './host-claim.js';
import { join } from 'node:path';

export interface ActivityDeps {
  workDir: string;
  logger: Logger;
  /** Names of env variables that never reach an agent (the app's key, secret, tokens). */
  secretEnvNames: string[];
  /** Values that never reach an agent, whatever variable holds them. */
  secretValues: string[];
}

function hostActivities(deps: ActivityDeps) {
  return {
    // Git work heartbeats from a timer; agents and checks heartbeat from their own process loop.
    ...heartbeatAll(createGitActivities({ workDir: deps.workDir, logger: deps.logger })),
    ...createAgentActivities({
      workDir: deps.workDir,
      secretEnvNames: deps.secretEnvNames,
      secretValues: deps.secretValues,
    }),
    ...createCheckActivities({
      workDir: deps.workDir,
      secretEnvNames: deps.secretEnvNames,
      secretValues: deps.secretValues,
    }),
  };
}

function orchestratorActivities(deps: ActivityDeps) {
  const agents = createAgentActivities({
    workDir: deps.workDir,
    secretEnvNames: deps.secretEnvNames,
    secretValues: deps.secretValues,
  });
  return createDecomposeActivities({ askAgent: agents.askAgentForText });
}

/** Activities by the queue that runs them (see temporal/worker-factory.ts). */
export function createActivities(deps: ActivityDeps & { hostQueue: string }) {
  return {
    orchestrator: orchestratorActivities(deps),
    agentQueue: createHostClaimActivities({ hostQueue: deps.hostQueue }),
    host: hostActivities(deps),
    /** Kills agents a dead worker of this work dir left behind, before new work starts. */
    reapOrphans: () => reapOrphanedProcessGroups(join(deps.workDir, 'agents')),
  };
}

/** What workflows see, as types only. */
export type HostActivities = ReturnType<typeof hostActivities>;
export type OrchestratorActivities = ReturnType<typeof orchestratorActivities>;
export type AgentQueueActivities = ReturnType<typeof createHostClaimActivities>;
