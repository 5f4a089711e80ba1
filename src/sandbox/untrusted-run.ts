import { existsSync, lstatSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { buildAgentEnv } from './agent-env.js';
import { buildBwrapArgs, type DroppedPath } from './bwrap-args.js';
import { hostSystemRoots, mountsFor, nodePrefix, pathDirectories, resolvedProtectedPaths } from './host-mounts.js';
import type { NetworkPolicy } from '../domain/network-policy.js';
import { openSandboxNetwork, proxySocketPath } from './network.js';
import { isWithin } from './protected-paths.js';
import { buildSandboxEnv } from './sandbox-env.js';
import type { SandboxSettings } from './settings.js';
import { requireSandboxInActivity } from './unavailable.js';
import { INVALID_PROMPT_KEY } from '../domain/failure-types.js';

export interface UntrustedRunSpec {
  kind: 'agent' | 'check';
  /** The working directory; writable inside unless `readOnly`. */
  worktree: string;
  /** The worktree is only read (an agent asked for text, e.g. in the user's own checkout). */
  readOnly?: boolean;
  /** File-name-safe key of this run: names its scratch dir. */
  key: string;
  /** The worker's environment. */
  base: NodeJS.ProcessEnv;
  secretEnvNames: string[];
  secretValues: string[];
  /** AIDP_UNIT_ID, AIDP_ITERATION, AIDP_WORKTREE; AIDP_PROMPT_FILE is added. */
  runVars: Record<string, string>;
  /** Provider variables to pass in (agents only). */
  providerNames?: readonly string[];
  network?: NetworkPolicy;
  /** Told when a configured path is not mounted, and why. */
  onDroppedPath?: (dropped: DroppedPath) => void;
}

/** One agent run (all its attempts) or one check, isolated; close() removes its scratch dir. */
export interface UntrustedRun {
  sandboxed: boolean;
  /** Readable by the process: where the prompt goes. */
  promptFile: string;
  writePrompt(text: string): void;
  /** The argv and whole environment that run `argv` in a fresh sandbox with an empty HOME. */
  command(argv: string[]): { argv: string[]; env: NodeJS.ProcessEnv };
  close(): Promise<void>;
}

/**
 * Prepares an untrusted process. With the sandbox on it fails closed (a non-retryable
 * `SandboxUnavailable` when bwrap cannot start); with it off the process gets today's
 * secret-filtered environment and nothing else.
 */
export async function openUntrustedRun(settings: SandboxSettings, spec: UntrustedRunSpec): Promise<UntrustedRun> {
  return settings.enabled ? openSandboxedRun(settings, spec) : openUnsandboxedRun(settings, spec);
}

async function openSandboxedRun(settings: SandboxSettings, spec: UntrustedRunSpec): Promise<UntrustedRun> {
  await requireSandboxInActivity(settings, spec.base.PATH);
  const scratch = runDir(join(settings.workDir, 'sandboxes'), spec.key, spec.worktree);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true, mode: 0o700 });
  const promptFile = join(scratch, 'prompt.md');
  const home = join(scratch, 'home');
  const tmp = join(scratch, 'tmp');
  const socketPath = proxySocketPath(settings.workDir, scratch);
  mkdirSync(dirname(socketPath), { recursive: true, mode: 0o700 });
  const network = await openSandboxNetwork(spec.network ?? { allow: [] }, { socketPath });
  const protectedPaths = resolvedProtectedPaths(settings.protectedPaths);
  const sealedDirs = resolvedProtectedPaths([settings.workDir]);
  let promptWritten = false;
  return {
    sandboxed: true,
    promptFile,
    writePrompt(text) {
      writeFileSync(promptFile, text, { mode: 0o600 });
      promptWritten = true;
    },
    command(argv) {
      for (const dir of [home, tmp]) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true, mode: 0o700 });
      }
      const { args, dropped } = buildBwrapArgs({
        systemRoots: hostSystemRoots(),
        readMounts: mountsFor([nodePrefix(), ...pathDirectories(spec.base.PATH), ...settings.readPaths]),
        writeMounts: mountsFor(settings.writePaths),
        protectedPaths,
        sealedDirs,
        worktree: resolve(spec.worktree),
        worktreeReadOnly: spec.readOnly ?? false,
        masks: spec.readOnly ? masksWithin(resolve(spec.worktree), [...protectedPaths, ...sealedDirs]) : [],
        scratch,
        readOnlyFiles: [...(promptWritten ? [promptFile] : []), ...gitLinkOf(spec)],
        networkArgs: network.bwrapArgs,
      });
      for (const d of dropped) spec.onDroppedPath?.(d);
      const env = buildSandboxEnv({
        kind: spec.kind,
        base: spec.base,
        home,
        tmp,
        runVars: { ...spec.runVars, ...(promptWritten ? { AIDP_PROMPT_FILE: promptFile } : {}) },
        providerNames: spec.providerNames ?? [],
        secretEnvNames: spec.secretEnvNames,
        secretValues: spec.secretValues,
        networkEnv: network.env,
      });
      // bwrap itself and the sandbox's pid 1 get this same minimal environment, never the worker's.
      return { argv: [settings.bwrapPath, ...args, '--', ...network.wrapArgv(argv)], env };
    },
    async close() {
      await network.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

async function openUnsandboxedRun(settings: SandboxSettings, spec: UntrustedRunSpec): Promise<UntrustedRun> {
  const promptFile = `${runDir(join(settings.workDir, 'prompts'), spec.key, spec.worktree)}.md`;
  let promptWritten = false;
  return {
    sandboxed: false,
    promptFile,
    writePrompt(text) {
      mkdirSync(join(settings.workDir, 'prompts'), { recursive: true });
      writeFileSync(promptFile, text, { mode: 0o600 });
      promptWritten = true;
    },
    command(argv) {
      const extra: Record<string, string> = { ...spec.runVars, ...(promptWritten ? { AIDP_PROMPT_FILE: promptFile } : {}) };
      // Test runners stay out of watch mode and interactive prompts.
      if (spec.kind === 'check' && spec.base.CI === undefined) extra.CI = 'true';
      return { argv, env: buildAgentEnv({ base: spec.base, secretEnvNames: spec.secretEnvNames, secretValues: spec.secretValues, extra }) };
    },
    async close() {
      rmSync(promptFile, { force: true });
    },
  };
}

/** Protected paths inside a read-only worktree (the worker's `.env` in `aidp run --repo .`), to hide there. */
function masksWithin(worktree: string, paths: string[]): Array<{ path: string; kind: 'file' | 'dir' }> {
  const masks: Array<{ path: string; kind: 'file' | 'dir' }> = [];
  for (const path of new Set(paths)) {
    if (path === worktree || !isWithin(path, worktree) || !existsSync(path)) continue;
    masks.push({ path, kind: statSync(path).isDirectory() ? 'dir' : 'file' });
  }
  return masks;
}

/** `<parent>/<key>`, refusing a key that leaves the parent or a parent inside the worktree. */
function runDir(parent: string, key: string, worktree: string): string {
  const dir = resolve(parent, key);
  const inParent = relative(resolve(parent), dir);
  if (inParent === '' || inParent.startsWith('..') || isAbsolute(inParent) || inParent.includes('/')) {
    throw ApplicationFailure.nonRetryable(`run key ${JSON.stringify(key)} leaves ${parent}`, INVALID_PROMPT_KEY);
  }
  const fromWorktree = relative(resolve(worktree), dir);
  if (!fromWorktree.startsWith('..') && !isAbsolute(fromWorktree)) {
    throw ApplicationFailure.nonRetryable(`the run directory ${dir} is inside the worktree ${worktree}`, INVALID_PROMPT_KEY);
  }
  return dir;
}

/** bwrap's own words when the program it was to run cannot be executed inside (not found, not executable). */
export function sandboxExecFailure(outputTail: string): string | undefined {
  return /^(bwrap: execvp|aidp sandbox: cannot run) [^\n]*$/m.exec(outputTail)?.[0];
}

/**
 * A writable worktree's `.git` file, pinned read-only inside the sandbox: it is what tells aidp's
 * own git where the worktree's metadata is, so the agent may neither rewrite nor replace it (a
 * bind-mounted file cannot be renamed over or removed). aidp's git checks it before every command.
 */
function gitLinkOf(spec: UntrustedRunSpec): string[] {
  if (spec.readOnly) return [];
  const file = join(resolve(spec.worktree), '.git');
  return lstatSync(file, { throwIfNoEntry: false })?.isFile() ? [file] : [];
}
