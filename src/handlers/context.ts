import type { Logger } from 'probot';
import type { z } from 'zod';
import type { PermissionChecker, PermissionOctokit } from '../github/permissions.js';
import { repositoryTarget } from '../github/targets.js';
import type { DeliveryOutcome } from '../metrics/metrics.js';
import type { AidpLabels } from '../domain/labels.js';
import type { ProcessorPort, RepoTarget } from '../domain/processor-port.js';
import type { RepositoryPayload } from './payloads.js';

/** The parts of Probot's `Context` a handler uses; the payload is validated before use. */
export interface EventContext {
  name: string;
  id: string;
  payload: unknown;
  /** Probot's installation client on the request path; the worker's in a DeliveryWorkflow. */
  octokit: PermissionOctokit;
  log: Logger;
}

export interface HandlerDeps {
  processors: ProcessorPort;
  permissions: PermissionChecker;
  labels: AidpLabels;
  /** This GitHub App's id: check suites and runs it created itself never start a CI fix. */
  appId?: number;
}

/** What a handler did with a delivery, as counted by `aidp_deliveries_total`. */
export type EventHandler = (ctx: EventContext, deps: HandlerDeps) => Promise<DeliveryOutcome>;

/** The payload as `schema` reads it, or undefined (logged) when it does not fit. */
export function parsePayload<S extends z.ZodType>(schema: S, ctx: EventContext): z.infer<S> | undefined {
  const result = schema.safeParse(ctx.payload);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  ctx.log.warn({ event: ctx.name, delivery: ctx.id, problems }, 'malformed webhook payload ignored');
  return undefined;
}

export function repoTarget(payload: { repository: RepositoryPayload; installation: { id: number } }): RepoTarget {
  return repositoryTarget(payload.repository, payload.installation.id);
}
