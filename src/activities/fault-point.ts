import { existsSync, writeFileSync } from 'node:fs';

/**
 * A crash on purpose, for tests of what survives one: with `AIDP_FAULT_POINT=<name>:<marker file>`
 * the worker SIGKILLs itself the first time it reaches the point `name` (the marker file records
 * that it did, so the restarted worker goes on). Unset, this does nothing.
 */
export function faultPoint(name: string, env: NodeJS.ProcessEnv = process.env): void {
  const spec = env.AIDP_FAULT_POINT;
  if (!spec) return;
  const at = spec.indexOf(':');
  if (at <= 0 || spec.slice(0, at) !== name) return;
  const marker = spec.slice(at + 1);
  if (existsSync(marker)) return;
  writeFileSync(marker, `${name} ${new Date().toISOString()}\n`);
  process.kill(process.pid, 'SIGKILL');
}
