/**
 * `claimHost` runs on the shared agent queue and answers with this worker's own host queue:
 * every later activity of the unit is pinned there, next to its worktree.
 */
export function createHostClaimActivities(deps: { hostQueue: string }) {
  return {
    async claimHost(): Promise<string> {
      return deps.hostQueue;
    },
  };
}
