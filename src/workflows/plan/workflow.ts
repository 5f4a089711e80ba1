import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { HostActivities, OrchestratorActivities } from '../../activities/index.js';
import { featureSettings } from '../feature-settings.js';
import { agentNetwork } from '../../sandbox/network-settings.js';
import { onClaimedHost } from '../host-claim.js';
import { claimHost, github } from '../shared-activities.js';
import { hostActivityOptions } from '../host-options.js';
import { renderNeedsInput, renderPlan } from './plan-comment.js';
import { AGENT_FAILED, CONFIG_INVALID, DECOMPOSE_FAILED, SPEC_INVALID } from '../../domain/failure-types.js';
import type { RepoTarget } from '../../domain/processor-port.js';

export interface PlanInput extends RepoTarget {
  issueNumber: number;
  title: string;
  body: string;
}


/** patched() id: a plan whose host is lost while reading the repo config claims another host. */
export const PLAN_HOST_CLAIM_PATCH = 'aidp-plan-fresh-host';

/** `aidp-plan`, `/aidp plan`: units proposed in one plan comment (edited on re-plan) and a state label. */
export async function PlanWorkflow(input: PlanInput): Promise<{ status: 'ready' | 'needs_input'; units: number }> {
  const target = { installationId: input.installationId, owner: input.owner, repo: input.repo, issueNumber: input.issueNumber };
  const config = await onClaimedHost({ what: `plan of issue #${input.issueNumber}`, claim: claimHost, patchId: PLAN_HOST_CLAIM_PATCH }, (hostQueue) =>
    proxyActivities<HostActivities>(
      hostActivityOptions(hostQueue, { startToClose: '30m', retry: { maximumAttempts: 3, nonRetryableErrorTypes: [CONFIG_INVALID] } }),
    ).loadRepoConfigAt({ remoteUrl: input.cloneUrl, branch: input.defaultBranch }),
  );
  const settings = featureSettings(config);
  const { decomposeFeature } = proxyActivities<OrchestratorActivities>({
    startToCloseTimeout: settings.agentTimeoutMs * 2 + 60_000,
    retry: { maximumAttempts: 2, nonRetryableErrorTypes: [SPEC_INVALID, DECOMPOSE_FAILED, AGENT_FAILED] },
  });
  try {
    const units = await decomposeFeature({
      specText: `# ${input.title}\n\n${input.body}`,
      repoDir: '',
      providers: settings.providers,
      timeoutMs: settings.agentTimeoutMs,
      network: agentNetwork(settings.network, settings.providers),
    });
    await github.upsertPlanComment({ ...target, body: renderPlan(units) });
    await github.setStateLabel({ ...target, add: config.labels.ready, remove: config.labels.needs_input });
    return { status: 'ready', units: units.length };
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (!(cause instanceof ApplicationFailure)) throw err;
    await github.upsertPlanComment({ ...target, body: renderNeedsInput(cause.message) });
    await github.setStateLabel({ ...target, add: config.labels.needs_input, remove: config.labels.ready });
    return { status: 'needs_input', units: 0 };
  }
}
