import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Names the host's worktrees: the machine and the work dir. A worker restarted on the same
 * machine and work dir serves the same host queue, so work pinned there is picked up again.
 */
export function defaultHostId(workDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.AIDP_HOST_ID) return env.AIDP_HOST_ID;
  const dirHash = createHash('sha1').update(workDir).digest('hex').slice(0, 8);
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 40) || 'host';
  return `${host}-${dirHash}`;
}
