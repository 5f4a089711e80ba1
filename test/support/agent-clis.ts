import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** The real agent CLIs each preset was checked against: npm packages, pinned. */
export const AGENT_CLIS = [
  { preset: 'claude', pkg: '@anthropic-ai/claude-code', version: '2.1.332', bin: 'claude' },
  { preset: 'codex', pkg: '@openai/codex', version: '0.171.0', bin: 'codex' },
  { preset: 'gemini', pkg: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' },
  { preset: 'opencode', pkg: 'opencode-ai', version: '1.18.33', bin: 'opencode' },
  { preset: 'copilot', pkg: '@github/copilot', version: '1.0.102', bin: 'copilot' },
] as const;

export type PinnedAgentCli = (typeof AGENT_CLIS)[number];

/** Where pinned CLIs are installed, one directory per package and version, kept between runs. */
export function agentCliCacheDir(): string {
  return process.env.AIDP_AGENT_CLI_CACHE ?? join(homedir(), '.cache', 'aidp', 'agent-clis');
}

/**
 * Installs `cli` into the cache unless it is there already, and returns the directory holding its
 * executable. The install goes to a scratch directory first and is renamed into place when it is
 * complete, so an interrupted install is never taken for a finished one.
 */
export async function installAgentCli(cli: PinnedAgentCli): Promise<string> {
  const dir = join(agentCliCacheDir(), `${cli.pkg.replace('/', '+')}@${cli.version}`);
  const binDir = join(dir, 'node_modules', '.bin');
  if (existsSync(join(dir, '.complete'))) return binDir;
  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  // Install scripts run: claude and opencode put their native binary in place in postinstall.
  await execa('npm', ['install', '--prefix', scratch, '--no-audit', '--no-fund', '--loglevel=error', `${cli.pkg}@${cli.version}`], {
    cwd: scratch,
  });
  writeFileSync(join(scratch, '.complete'), `${cli.pkg}@${cli.version}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
  return binDir;
}
