import type { ApplicationFunction } from 'probot';

/**
 * The Probot app: webhook events in, workflow starts and signals out. Handlers only decide;
 * git, agents and long GitHub work happen in workflows.
 */
export function createApp(): ApplicationFunction {
  return (app) => {
    app.onAny(async (event) => {
      app.log.debug({ event: event.name, id: event.id }, 'delivery received');
    });
  };
}
