import { patched, proxyActivities } from '@temporalio/workflow';
import type { AgentQueueActivities, HostActivities } from '../../activities/index.js';
import { howItFailed } from '../../domain/check-result.js';
import { setupSeconds } from '../../domain/setup.js';
import { checkNetwork } from '../../sandbox/network-settings.js';
import { AGENT_QUEUE } from '../../domain/task-queues.js';
import { workerOf } from '../environment-failure.js';
import { hostActivityOptions } from '../host-options.js';
import type { FeatureInput } from './messages.js';
import { BASE_BRANCH_MISSING, UNSAFE_PATH } from '../../domain/failure-types.js';

/** patched() id of the baseline run before a feature's first agent. */
export const BASELINE_PATCH = 'aidp-baseline-checks';
/** patched() id of the baseline in one activity on the shared agent queue (the host claim folded in). */
export const BASELINE_ANY_HOST_PATCH = 'aidp-baseline-any-host';

const OUTPUT_CHARS = 1500;

const { claimHost } = proxyActivities<AgentQueueActivities>({
  taskQueue: AGENT_QUEUE,
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 5 },
});

/**
 * Runs setup and the required checks once on the untouched base, before any agent, on one host
 * (whose setup cache it fills for the units). Returns why the feature must stop, or undefined
 * when the base passes. A new run of a feature (continue-as-new, retry) does not repeat it.
 */
export async function baselineProblem(input: FeatureInput): Promise<string | undefined> {
  const required = input.settings.checks.filter((c) => c.required);
  if (input.carried || (required.length === 0 && !input.settings.setup) || !patched(BASELINE_PATCH)) return undefined;
  const checksSeconds = required.reduce((sum, c) => sum + c.timeout_seconds, 0);
  const options = {
    heartbeatTimeout: '10s' as const,
    // The first clone of the repository happens here too.
    startToCloseTimeout: (1800 + checksSeconds + (input.settings.setup ? setupSeconds(input.settings.setup) : 0)) * 1000,
    retry: { maximumAttempts: 2, nonRetryableErrorTypes: [UNSAFE_PATH, BASE_BRANCH_MISSING] },
  };
  const request = {
    remoteUrl: input.repo.remoteUrl,
    baseBranch: input.repo.baseBranch,
    featureSlug: input.featureSlug,
    setup: input.settings.setup,
    checks: required,
    network: checkNetwork(input.settings.network),
  };
  let hostQueue: string;
  let base: Awaited<ReturnType<HostActivities['checkBaseline']>>;
  if (patched(BASELINE_ANY_HOST_PATCH)) {
    // Whichever host takes it runs it: one activity instead of a claim and then the run.
    ({ hostQueue, ...base } = await proxyActivities<AgentQueueActivities>({ ...options, taskQueue: AGENT_QUEUE }).checkBaselineOnAnyHost(request));
  } else {
    hostQueue = await claimHost();
    base = await proxyActivities<HostActivities>(hostActivityOptions(hostQueue, { startToClose: options.startToCloseTimeout, retry: options.retry })).checkBaseline(request);
  }
  const where = `${input.repo.baseBranch}@${base.baseSha.slice(0, 12)}`;
  if (base.setup && !base.setup.ok) {
    return [
      `environment failure: setup fails on ${where} (worker ${workerOf(hostQueue)}), before any agent ran, so no unit was started.`,
      tail(base.setup.failure ?? ''),
      'To fix: make `setup` in .github/aidp.yml work on a fresh clone of the base branch (and list the hosts it downloads from in sandbox.network.setup_allow), then build again.',
    ].join('\n');
  }
  const failing = base.checks.filter((c) => !c.passed);
  if (failing.length === 0) return undefined;
  const notFound = failing.some((c) => c.exitCode === 126 || c.exitCode === 127);
  return [
    `checks fail on ${where}: ${failing.map((c) => `"${c.name}"`).join(', ')} fail on the base branch itself, before any agent ran, so no unit was started.`,
    ...failing.map((c) => `Check "${c.name}" (\`${c.command}\`) ${howItFailed(c)}. Output (tail):\n${tail(c.outputTail)}`),
    notFound
      ? 'To fix: a program the checks run is not installed in a fresh worktree. Install the dependencies with `setup` in .github/aidp.yml (e.g. `setup: [npm ci]`, with sandbox.network.setup_allow: [registry.npmjs.org]), then build again.'
      : 'To fix: make the checks pass on the base branch (or correct `checks` in .github/aidp.yml, or mark a check `required: false`), then build again.',
  ].join('\n');
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > OUTPUT_CHARS ? `…${trimmed.slice(-OUTPUT_CHARS)}` : trimmed || '(no output)';
}
