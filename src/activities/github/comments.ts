import { Context } from '@temporalio/activity';
import { BUILD_MARKER, withBuildMarker } from '../../github/build-marker.js';

export interface CommentClient {
  rest: {
    issues: {
      createComment(params: { owner: string; repo: string; issue_number: number; body: string }): Promise<{ data: { id: number; html_url: string } }>;
      updateComment(params: { owner: string; repo: string; comment_id: number; body: string }): Promise<{ data: { id: number } }>;
    };
  };
}

const MAX_BODY = 65_000;

/** A BuildProcessorWorkflow's comments carry the build marker, so GitHub itself records that the issue had a build. */
function marked(body: string): string {
  const text = body.slice(0, MAX_BODY - BUILD_MARKER.length - 2);
  return Context.current().info.workflowType === 'BuildProcessorWorkflow' ? withBuildMarker(text) : text;
}

/** The run's one status comment on its issue: created once, then edited in place. */
export function createCommentActivities(deps: { octokitFor: (installationId: number) => Promise<CommentClient> }) {
  return {
    async postComment(input: { installationId: number; owner: string; repo: string; issueNumber: number; body: string }): Promise<{ id: number; url: string }> {
      const octokit = await deps.octokitFor(input.installationId);
      const { data } = await octokit.rest.issues.createComment({
        owner: input.owner,
        repo: input.repo,
        issue_number: input.issueNumber,
        body: marked(input.body),
      });
      return { id: data.id, url: data.html_url };
    },
    async updateComment(input: { installationId: number; owner: string; repo: string; commentId: number; body: string }): Promise<void> {
      const octokit = await deps.octokitFor(input.installationId);
      await octokit.rest.issues.updateComment({
        owner: input.owner,
        repo: input.repo,
        comment_id: input.commentId,
        body: marked(input.body),
      });
    },
  };
}
