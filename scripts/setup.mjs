#!/usr/bin/env node
// Installs what `npm test`, `npm run demo` and `npm run bench` need on a fresh clone:
// the npm dependencies (npm ci when node_modules is missing or older than the lockfile),
// the Temporal CLI (built with Go, pinned) when none can be found, and bubblewrap (the agent
// sandbox) with apt-get when it is missing and we are root.
// Plain Node only: this runs before any dependency exists.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, statSync, accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
const depsOnly = process.argv.includes('--deps-only');

function attempt(command, args, env = process.env) {
  console.error(`[aidp setup] ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function run(command, args, env = process.env) {
  const status = attempt(command, args, env);
  if (status !== 0) {
    console.error(`[aidp setup] "${command} ${args.join(' ')}" exited with ${status}`);
    process.exit(status);
  }
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function dependenciesAreInstalled() {
  // A node_modules linked in from another checkout (a git worktree) is that checkout's to update:
  // reinstalling through the link would rewrite files under the other checkout's running processes.
  if (existsSync('node_modules') && lstatSync('node_modules').isSymbolicLink()) return true;
  const marker = 'node_modules/.package-lock.json';
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync('package-lock.json').mtimeMs;
}

function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && isExecutable(join(dir, name)));
}

/** bubblewrap: every agent and check runs in it, and aidp refuses to run agents without it. */
function ensureBubblewrap() {
  if (process.platform !== 'linux' || onPath('bwrap')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && onPath('apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (attempt('apt-get', ['update'], env) === 0 && attempt('apt-get', ['install', '-y', 'bubblewrap'], env) === 0) return;
    console.error('[aidp setup] apt-get could not install bubblewrap');
  }
  console.error(
    '[aidp setup] bubblewrap (bwrap) is missing: aidp runs no agent without it. Install it: ' +
      'apt-get install bubblewrap (Debian/Ubuntu), dnf install bubblewrap (Fedora), apk add bubblewrap (Alpine); ' +
      'or set AIDP_SANDBOX=off to run agents unsandboxed at your own risk.',
  );
}

function findTemporalCli() {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  const cached = join(homedir(), '.cache', 'aidp', 'bin', 'temporal');
  return isExecutable(cached) ? cached : undefined;
}

if (!dependenciesAreInstalled()) {
  // A registry that serves only some platforms' optional binaries (@swc/core-darwin-*, ...)
  // leaves them out of the lockfile, and `npm ci` then refuses the lockfile as out of sync.
  // `npm install` installs the same locked versions and skips what this platform cannot use.
  if (attempt('npm', ['ci', '--no-audit', '--no-fund']) !== 0) {
    console.error('[aidp setup] npm ci refused the lockfile; installing the locked versions with npm install');
    run('npm', ['install', '--no-audit', '--no-fund', '--no-save']);
  }
}

if (!depsOnly) ensureBubblewrap();

if (!depsOnly && !findTemporalCli()) {
  const gobin = join(homedir(), '.cache', 'aidp', 'bin');
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    console.error(
      '[aidp setup] no Temporal CLI found and Go is not installed; aidp will fall back to the ' +
        "Temporal SDK's own download (needs internet). Set TEMPORAL_CLI_PATH to use a binary you have.",
    );
  } else {
    console.error('[aidp setup] building the Temporal CLI (first build takes a few minutes)');
    run('go', ['install', TEMPORAL_CLI_MODULE], { ...process.env, GOBIN: gobin });
  }
}
