import { userText } from '../../github/user-text.js';

export interface CheckRunClient {
  request(route: string, params?: Record<string, unknown>): Promise<{ data: unknown }>;
}

const TEXT_LIMIT = 6000;
const tail = (text: string, max: number): string => (text.length > max ? `…${text.slice(-max)}` : text);

interface CheckRun {
  id: number;
  name: string;
  conclusion: string | null;
  app?: { id?: number };
  output?: { title?: string | null; summary?: string | null; text?: string | null };
}

interface Annotation {
  path: string;
  start_line: number;
  annotation_level: string;
  message: string;
}

/** Check runs on PR heads (progress people can see) and what failed CI said. */
export function createCheckRunActivities(deps: { octokitFor: (installationId: number) => Promise<CheckRunClient> }) {
  return {
    async startCheckRun(input: { installationId: number; owner: string; repo: string; headSha: string; name: string; summary: string }): Promise<{ id: number }> {
      const octokit = await deps.octokitFor(input.installationId);
      const { data } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        owner: input.owner,
        repo: input.repo,
        name: input.name,
        head_sha: input.headSha,
        status: 'in_progress',
        output: { title: input.name, summary: input.summary },
      });
      return { id: (data as { id: number }).id };
    },

    async finishCheckRun(input: {
      installationId: number;
      owner: string;
      repo: string;
      checkRunId: number;
      conclusion: 'success' | 'failure' | 'neutral';
      title: string;
      summary: string;
    }): Promise<void> {
      const octokit = await deps.octokitFor(input.installationId);
      await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        owner: input.owner,
        repo: input.repo,
        check_run_id: input.checkRunId,
        status: 'completed',
        conclusion: input.conclusion,
        output: { title: input.title, summary: tail(input.summary, 60_000) },
      });
    },

    /** The failed checks of a commit, their output and annotations, trimmed for a prompt. */
    async failedCheckOutput(input: { installationId: number; owner: string; repo: string; headSha: string }): Promise<string> {
      const octokit = await deps.octokitFor(input.installationId);
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
        owner: input.owner,
        repo: input.repo,
        ref: input.headSha,
        per_page: 100,
      });
      const failed = ((data as { check_runs: CheckRun[] }).check_runs ?? []).filter((run) => run.conclusion === 'failure' || run.conclusion === 'timed_out');
      const parts: string[] = [];
      for (const run of failed.slice(0, 10)) {
        const annotations = await octokit.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', {
          owner: input.owner,
          repo: input.repo,
          check_run_id: run.id,
          per_page: 50,
        });
        const lines = (annotations.data as Annotation[]).map((a) => `${a.path}:${a.start_line} ${a.annotation_level}: ${a.message}`);
        parts.push(
          [`### ${run.name} (${run.conclusion})`, run.output?.title ?? '', run.output?.summary ?? '', tail(run.output?.text ?? '', 2000), ...lines]
            .filter((l) => l.trim() !== '')
            .join('\n'),
        );
      }
      return tail(userText(parts.join('\n\n')) || 'The failed check left no output; run the repository checks to see what fails.', TEXT_LIMIT);
    },

    /** A review's inline comments, for a change request that came without a body. */
    async reviewComments(input: { installationId: number; owner: string; repo: string; prNumber: number; reviewId: number }): Promise<string> {
      const octokit = await deps.octokitFor(input.installationId);
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments', {
        owner: input.owner,
        repo: input.repo,
        pull_number: input.prNumber,
        review_id: input.reviewId,
        per_page: 100,
      });
      const comments = (data as Array<{ path: string; line?: number | null; body: string }>).map((c) => `${c.path}${c.line ? `:${c.line}` : ''}: ${c.body}`);
      return tail(userText(comments.join('\n')), TEXT_LIMIT);
    },
  };
}
