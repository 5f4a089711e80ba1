import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { Logger } from '../../logging/logger.js';

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  cwd: string;
  /** Exit codes that are answers, not failures (`diff --quiet` exits 1 when something differs). */
  okExitCodes?: number[];
}

/** Runs `git` with an argv array (never a shell) and answers with its result. */
export type GitRunner = (args: string[], opts: GitRunOptions) => Promise<GitResult>;

/** Ambient variables that would point git at some other repository than the one we name. */
const LOCATING_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

/** Another git process holds a lock file: worth a short wait and another try. */
const LOCK_CONTENTION = /\.lock'?: File exists|Unable to create '[^']*\.lock'|could not lock config file|Another git process seems to be running/i;
const LOCK_ATTEMPTS = 6;

export function isLockContention(stderr: string): boolean {
  return LOCK_CONTENTION.test(stderr);
}

function gitEnvironment(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !LOCATING_ENV.includes(name)) env[name] = value;
  }
  return {
    ...env,
    // Never wait on a terminal for credentials: a worker has none.
    GIT_TERMINAL_PROMPT: '0',
    // No remote helpers such as ext:: (arbitrary commands).
    GIT_ALLOW_PROTOCOL: 'file:git:http:https:ssh',
    ...extra,
  };
}

/** A git command that failed; retryable, since most such failures are the network or a lock. */
export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed (exit ${exitCode ?? 'none'}): ${stderr.trim().split('\n').slice(-5).join('\n')}`);
    this.name = 'GitCommandError';
  }
}

export function createGitRunner(opts: { gitEnv?: Record<string, string>; logger?: Logger } = {}): GitRunner {
  const env = gitEnvironment(opts.gitEnv ?? {});
  const once = async (args: string[], cwd: string): Promise<GitResult> => {
    const result = await execa('git', args, { cwd, env, extendEnv: false, stdin: 'ignore', reject: false });
    if (result.failed && result.exitCode === undefined) {
      throw new GitCommandError(args, undefined, result.stderr || (result.shortMessage ?? 'git did not run'));
    }
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
  return async (args, { cwd, okExitCodes = [] }) => {
    for (let attempt = 1; ; attempt++) {
      const result = await once(args, cwd);
      if (result.exitCode === 0 || okExitCodes.includes(result.exitCode)) return result;
      if (attempt < LOCK_ATTEMPTS && isLockContention(result.stderr)) {
        opts.logger?.debug({ args: args.slice(0, 2), attempt }, 'git lock held by another process; retrying');
        await sleep(50 * 2 ** attempt + Math.floor(Math.random() * 50));
        continue;
      }
      throw new GitCommandError(args, result.exitCode, result.stderr);
    }
  };
}
