import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * The real agent CLIs each preset was checked against, pinned: npm packages, and aider from PyPI
 * (into a virtualenv). cursor-agent has no package in either registry (it installs with a script
 * from cursor.com), so its preset is checked against its documentation only.
 */
export const AGENT_CLIS = [
  { preset: 'claude', registry: 'npm', pkg: '@anthropic-ai/claude-code', version: '2.1.332' },
  { preset: 'codex', registry: 'npm', pkg: '@openai/codex', version: '0.171.0' },
  { preset: 'gemini', registry: 'npm', pkg: '@google/gemini-cli', version: '0.61.0' },
  { preset: 'opencode', registry: 'npm', pkg: 'opencode-ai', version: '1.18.33' },
  { preset: 'copilot', registry: 'npm', pkg: '@github/copilot', version: '1.0.102' },
  { preset: 'aider', registry: 'pypi', pkg: 'aider-chat', version: '0.86.2' },
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
  if (cli.registry === 'pypi') return installFromPypi(cli, dir);
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

/** A virtualenv holds absolute paths, so it is built where it stays; the marker comes last. */
async function installFromPypi(cli: PinnedAgentCli, dir: string): Promise<string> {
  const binDir = join(dir, 'bin');
  if (existsSync(join(dir, '.complete'))) return binDir;
  rmSync(dir, { recursive: true, force: true });
  await execa('python3', ['-m', 'venv', dir]);
  await execa(join(binDir, 'pip'), ['install', '--quiet', '--disable-pip-version-check', `${cli.pkg}==${cli.version}`]);
  writeFileSync(join(dir, '.complete'), `${cli.pkg}==${cli.version}\n`);
  return binDir;
}
