import { parsePayload, type EventHandler } from './context.js';
import { installationPayload } from './payloads.js';

/**
 * `installation` and `installation_repositories`: logged. The reconcile schedule pages through
 * installed repositories on its own, so nothing has to be started here.
 */
export const onInstallation: EventHandler = async (ctx) => {
  const payload = parsePayload(installationPayload, ctx);
  if (!payload) return 'invalid';
  const names = (list?: { full_name: string }[]) => list?.map((repo) => repo.full_name);
  ctx.log.info(
    {
      event: ctx.name,
      action: payload.action,
      installationId: payload.installation.id,
      account: payload.installation.account?.login,
      repositories: names(payload.repositories),
      added: names(payload.repositories_added),
      removed: names(payload.repositories_removed),
    },
    'installation changed',
  );
  return 'ignored';
};
