import { BUILD_CHECK_RUN_NAME, RETRY_ACTION } from '../../github/check-run-names.js';
import type { CheckRunClient } from './check-runs.js';

/** GitHub takes at most 65535 characters of summary. */
const SUMMARY_LIMIT = 60_000;
const cap = (text: string): string => (text.length > SUMMARY_LIMIT ? `${text.slice(0, SUMMARY_LIMIT)}…` : text);

interface Target {
  installationId: number;
  owner: string;
  repo: string;
}

export interface BuildCheckRunRef {
  id: number;
  url: string;
  headSha: string;
}

export interface BuildCheckRunOutcome extends Target {
  /** The run to complete; absent (or on another commit): a completed run is created on `headSha`. */
  checkRunId?: number;
  headSha: string;
  /** The issue the build came from, kept as the run's `external_id`. */
  issueNumber: number;
  detailsUrl?: string;
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  summary: string;
  /** Offer the "Retry failed units" button. */
  retryable: boolean;
}

const refOf = (data: unknown, headSha: string): BuildCheckRunRef => {
  const run = data as { id: number; html_url?: string };
  return { id: run.id, url: run.html_url ?? '', headSha };
};

/** The build's `aidp` check run on the feature PR's head: in progress, followed, completed. */
export function createBuildCheckRunActivities(deps: { octokitFor: (installationId: number) => Promise<CheckRunClient> }) {
  return {
    /** In progress on the head of the open PR `prNumber`; null when that PR is closed. */
    async openBuildCheckRun(input: Target & { prNumber: number; issueNumber: number; detailsUrl?: string; summary: string }): Promise<BuildCheckRunRef | null> {
      const octokit = await deps.octokitFor(input.installationId);
      const pull = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: input.owner, repo: input.repo, pull_number: input.prNumber });
      const { state, head } = pull.data as { state?: string; head: { sha: string } };
      if (state !== undefined && state !== 'open') return null;
      const { data } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        owner: input.owner,
        repo: input.repo,
        name: BUILD_CHECK_RUN_NAME,
        head_sha: head.sha,
        external_id: String(input.issueNumber),
        details_url: input.detailsUrl,
        status: 'in_progress',
        output: { title: 'aidp is building', summary: cap(input.summary) },
      });
      return refOf(data, head.sha);
    },

    async updateBuildCheckRun(input: Target & { checkRunId: number; summary: string }): Promise<void> {
      const octokit = await deps.octokitFor(input.installationId);
      await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        owner: input.owner,
        repo: input.repo,
        check_run_id: input.checkRunId,
        output: { title: 'aidp is building', summary: cap(input.summary) },
      });
    },

    async completeBuildCheckRun(input: BuildCheckRunOutcome): Promise<BuildCheckRunRef> {
      const octokit = await deps.octokitFor(input.installationId);
      const fields = {
        owner: input.owner,
        repo: input.repo,
        status: 'completed',
        conclusion: input.conclusion,
        details_url: input.detailsUrl,
        output: { title: input.title, summary: cap(input.summary) },
        actions: input.retryable ? [RETRY_ACTION] : [],
      };
      const { data } =
        input.checkRunId === undefined
          ? await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
              ...fields,
              name: BUILD_CHECK_RUN_NAME,
              head_sha: input.headSha,
              external_id: String(input.issueNumber),
            })
          : await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...fields, check_run_id: input.checkRunId });
      return refOf(data, input.headSha);
    },
  };
}
