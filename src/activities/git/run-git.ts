import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { execa } from 'execa';
import pRetry from 'p-retry';
import type { Logger } from '../../logging/logger.js';
import { gitEnvironment } from './git-env.js';

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  cwd: string;
  /** Exit codes that are answers, not failures (`diff --quiet` exits 1 when something differs). */
  okExitCodes?: number[];
  /** Ends the git process when aborted; by default the running activity's cancellation (none outside an activity). */
  signal?: AbortSignal;
}

/** Runs `git` with an argv array (never a shell) and answers with its result. */
export type GitRunner = (args: string[], opts: GitRunOptions) => Promise<GitResult>;

/** How git reaches a remote: given to fetch, push and ls-remote only. */
export interface GitRemoteAccess {
  /** A credential helper command (`!"node" "aidp.js" git-credential`): the only one git asks. */
  credentialHelper?: string;
  /** What the helper needs in its environment (names the key file, never a token). */
  env?: Record<string, string>;
}

/**
 * Config that overrides whatever a repository's files say (command-line config is read last):
 * no hooks, fsmonitor, pager, editor, askpass, credential helper or signing program, and no
 * looking into nested repositories (whose config an agent writes).
 */
export const HARDENING_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.pager=cat',
  'core.editor=:',
  'sequence.editor=:',
  'core.askPass=',
  'credential.helper=',
  'commit.gpgSign=false',
  'tag.gpgSign=false',
  'push.gpgSign=false',
  'diff.ignoreSubmodules=all',
  'status.submoduleSummary=false',
  'submodule.recurse=false',
  'fetch.recurseSubmodules=false',
  'push.recurseSubmodules=no',
  'merge.stat=false',
];

/** Commands that reach a remote, and so get the credential helper and the transport's environment. */
const REMOTE_COMMANDS = ['fetch', 'push', 'ls-remote'];

/** Commands that may diff file contents: never through an external diff or a textconv program. */
const DIFF_COMMANDS = ['diff', 'diff-tree', 'diff-index', 'diff-files', 'log', 'show'];

/** The subcommand: the first argument that is neither an option nor the value of `-c`. */
export function subcommandOf(args: string[]): { name: string | undefined; at: number } {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-c' || arg === '-C') i++;
    else if (!arg.startsWith('-')) return { name: arg, at: i };
  }
  return { name: undefined, at: -1 };
}

/** The argv aidp hands git: hardening first (our `-c` after any caller's `-c` wins), diff programs off. */
export function hardenedArgs(args: string[], remote?: GitRemoteAccess): string[] {
  const { name, at } = subcommandOf(args);
  const isRemote = name !== undefined && REMOTE_COMMANDS.includes(name);
  const config = [...HARDENING_CONFIG];
  if (isRemote && remote?.credentialHelper) config.push(`credential.helper=${remote.credentialHelper}`, 'credential.useHttpPath=true');
  const before = args.slice(0, at === -1 ? args.length : at);
  const rest = at === -1 ? [] : args.slice(at);
  const diffFlags = name !== undefined && DIFF_COMMANDS.includes(name) ? ['--no-ext-diff', '--no-textconv'] : [];
  return ['--no-pager', ...before, ...config.flatMap((c) => ['-c', c]), ...rest.slice(0, 1), ...diffFlags, ...rest.slice(1)];
}

/** Another git process holds a lock file: worth a short wait and another try. */
const LOCK_CONTENTION = /\.lock'?: File exists|Unable to create '[^']*\.lock'|could not lock config file|Another git process seems to be running/i;
/** 100-200 ms, then twice as long each time: 5 retries, about 3-6 s, before a lock counts as stuck. */
const LOCK_RETRY = { retries: 5, minTimeout: 100, randomize: true };

export function isLockContention(stderr: string): boolean {
  return LOCK_CONTENTION.test(stderr);
}

/** A git command that failed; retryable, since most such failures are the network or a lock. */
export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(`git ${subcommandOf(args).name ?? ''} failed (exit ${exitCode ?? 'none'}): ${stderr.trim().split('\n').slice(-5).join('\n')}`);
    this.name = 'GitCommandError';
  }
}

/** The cancellation of the activity this code runs in, or undefined outside an activity (CLI, plain tests). */
export function activityCancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

/** What a git command cancelled by `signal` throws: the activity's CancelledFailure when it is one. */
function cancelledBy(signal: AbortSignal, args: string[]): CancelledFailure {
  const reason: unknown = signal.reason;
  return reason instanceof CancelledFailure ? reason : new CancelledFailure(`git ${subcommandOf(args).name ?? ''} was cancelled`);
}

/** Whether `err` is a cancellation (of this or another activity whose git work this one shared). */
export function isCancellation(err: unknown): boolean {
  return err instanceof CancelledFailure;
}

export interface GitRunnerOptions {
  /** The operator's environment additions for every git command (e.g. `url.<base>.insteadOf`). */
  gitEnv?: Record<string, string>;
  /** Credentials for fetch, push and ls-remote. */
  remote?: GitRemoteAccess;
  /** HOME for git: an aidp-owned directory. */
  home?: string;
  logger?: Logger;
}

/**
 * The one way aidp runs git: argv only, a minimal environment built from nothing, and config
 * that a repository's files cannot override (see HARDENING_CONFIG).
 */
export function createGitRunner(opts: GitRunnerOptions = {}): GitRunner {
  const home = opts.home ?? '/nonexistent';
  const localEnv = gitEnvironment({ home, extra: opts.gitEnv });
  const remoteEnv = gitEnvironment({ home, extra: opts.gitEnv, remote: opts.remote?.env ?? {} });
  const once = async (args: string[], { cwd, okExitCodes = [], signal }: GitRunOptions): Promise<GitResult> => {
    const isRemote = REMOTE_COMMANDS.includes(subcommandOf(args).name ?? '');
    const env = isRemote ? remoteEnv : localEnv;
    const result = await execa('git', hardenedArgs(args, opts.remote), {
      cwd,
      env,
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      // A cancelled activity ends its git process (SIGTERM, SIGKILL 5 s later) instead of waiting for it.
      cancelSignal: signal,
    });
    if (result.isCanceled && signal) throw cancelledBy(signal, args);
    if (result.failed && result.exitCode === undefined) {
      throw new GitCommandError(args, undefined, result.stderr || (result.shortMessage ?? 'git did not run'));
    }
    const exitCode = result.exitCode ?? -1;
    if (exitCode !== 0 && !okExitCodes.includes(exitCode)) throw new GitCommandError(args, exitCode, result.stderr);
    return { exitCode, stdout: result.stdout, stderr: result.stderr };
  };
  const lockHeld = ({ error }: { error: Error }) => error instanceof GitCommandError && isLockContention(error.stderr);
  return async (args, { signal = activityCancellation(), ...rest }) =>
    pRetry(() => once(args, { ...rest, signal }), {
      ...LOCK_RETRY,
      signal,
      shouldRetry: lockHeld,
      onFailedAttempt: (failed) => {
        if (failed.retriesLeft > 0 && lockHeld(failed)) opts.logger?.debug({ command: subcommandOf(args).name }, 'git lock held by another process; retrying');
      },
    }).catch((err: unknown) => {
      // The wait between tries ends at once on cancellation; what it throws is the activity's CancelledFailure.
      throw signal?.aborted ? cancelledBy(signal, args) : err;
    });
}
