import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { execa } from 'execa';
import { tempDir } from './repos.js';

/** Every hook git knows: an agent plants all of them. */
export const HOOK_NAMES = [
  'applypatch-msg',
  'pre-applypatch',
  'post-applypatch',
  'pre-commit',
  'pre-merge-commit',
  'prepare-commit-msg',
  'commit-msg',
  'post-commit',
  'pre-rebase',
  'post-checkout',
  'post-merge',
  'pre-push',
  'reference-transaction',
  'push-to-checkout',
  'pre-auto-gc',
  'post-rewrite',
  'post-index-change',
];

export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd })).stdout.trim();
}

export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
  throw new Error('expected an ApplicationFailure, but it succeeded');
}

/**
 * Where the "agent"'s planted programs leave their mark: each writes a file named after itself
 * when anything runs it. A test passes when the directory stays empty.
 */
export class Markers {
  readonly dir = tempDir('markers');

  /** An executable that records that it ran, then behaves as `then` says (default: copy stdin to stdout). */
  program(name: string, then = 'cat'): string {
    const path = join(this.dir, '..', `${this.dir.split('/').pop()}-${name}.sh`);
    writeFileSync(path, `#!/bin/sh\necho ran > "${join(this.dir, name)}"\n${then}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  /** A hooks directory where every hook records that it ran. */
  hooksDir(dir: string, prefix: string): string {
    mkdirSync(dir, { recursive: true });
    for (const hook of HOOK_NAMES) {
      writeFileSync(join(dir, hook), `#!/bin/sh\necho ran > "${join(this.dir, `${prefix}-${hook}`)}"\nexit 0\n`);
      chmodSync(join(dir, hook), 0o755);
    }
    return dir;
  }

  ran(): string[] {
    return existsSync(this.dir) ? readdirSync(this.dir).sort() : [];
  }
}

/** The user's repository: non-bare, on main, accepting pushes. */
export async function createRemote(prefix = 'hostile-remote'): Promise<string> {
  const dir = tempDir(prefix);
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  await git(dir, 'config', 'receive.denyCurrentBranch', 'updateInstead');
  writeFileSync(join(dir, 'README.md'), '# remote\n');
  writeFileSync(join(dir, 'notes.txt'), 'one\n');
  await git(dir, 'add', '.');
  await git(dir, '-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '--quiet', '-m', 'initial');
  return dir;
}
