import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { WORKTREE_TAMPERED } from '../../domain/failure-types.js';
import type { GitRunner } from './run-git.js';

export function tampered(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${message}; aidp runs no git in it (an agent or another process changed it)`, WORKTREE_TAMPERED);
}

/** A config file's entries as git's own parser reads them (no includes), keys lower-cased as git prints them. */
export type ConfigEntries = [key: string, value: string][];

/** Decides whether a key and value may stand in a config file aidp owns. */
export type ConfigRule = (key: string, value: string) => boolean;

const BOOL_OR_INT = /^(true|false|yes|no|on|off|-?\d+)$/i;
const HEX_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** A mirror's shared config: what `git init --bare` and createMirror write, the URL the mirror is named after. */
export function mirrorConfigRule(mirrorPath: string): ConfigRule {
  const name = basename(mirrorPath).replace(/\.git$/, '');
  return (key, value) => {
    switch (key) {
      case 'core.repositoryformatversion':
      case 'core.filemode':
      case 'core.bare':
      case 'core.logallrefupdates':
      case 'core.ignorecase':
      case 'core.precomposeunicode':
      case 'core.symlinks':
      case 'extensions.worktreeconfig':
        return BOOL_OR_INT.test(value);
      case 'extensions.objectformat':
        return value === 'sha1' || value === 'sha256';
      case 'extensions.refstorage':
        return value === 'files' || value === 'reftable';
      case 'remote.origin.fetch':
        return value === '+refs/heads/*:refs/remotes/origin/*';
      case 'remote.origin.url':
        return createHash('sha1').update(value, 'utf8').digest('hex').slice(0, 16) === name;
      default:
        return false;
    }
  };
}

/** The mirror's own config.worktree: `core.bare` alone. */
export const mirrorWorktreeConfigRule: ConfigRule = (key, value) => key === 'core.bare' && value === 'true';

export const AIDP_IDENTITY = { name: 'aidp', email: 'aidp@users.noreply.github.com' } as const;

/** A linked worktree's config.worktree: the identity and records aidp writes, nothing else. */
export const worktreeConfigRule: ConfigRule = (key, value) => {
  switch (key) {
    case 'user.name':
      return value === AIDP_IDENTITY.name;
    case 'user.email':
      return value === AIDP_IDENTITY.email;
    case 'commit.gpgsign':
      return value === 'false';
    case 'aidp.basesha':
      return HEX_SHA.test(value);
    case 'aidp.leasesha':
      return value === 'none' || HEX_SHA.test(value);
    default:
      return false;
  }
};

/** `git config --list -z`: `key\nvalue\0` records. */
export function parseConfigList(output: string): ConfigEntries {
  return output
    .split('\0')
    .filter((r) => r !== '')
    .map((record) => {
      const at = record.indexOf('\n');
      return at === -1 ? [record, ''] : [record.slice(0, at), record.slice(at + 1)];
    });
}

/**
 * Checks config files aidp owns before git reads them, with git's own parser (so no text can mean
 * one thing here and another to git). A file unchanged since its last check (same inode, size,
 * mtime and ctime, which no process can set back) is not parsed again.
 */
export class ConfigChecker {
  private readonly verified = new Map<string, { stamp: string; entries: ConfigEntries }>();

  constructor(private readonly git: GitRunner) {}

  /** The file's entries; an absent file has none. A symlink, a non-file or a key the rule refuses is tampering. */
  async check(path: string, cwd: string, rule: ConfigRule): Promise<ConfigEntries> {
    let stamp: string;
    try {
      const st = await lstat(path, { bigint: true });
      if (!st.isFile()) throw tampered(`${path} is not a regular file`);
      stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const known = this.verified.get(path);
    if (known?.stamp === stamp) return known.entries;
    const listed = await this.git(['config', '--file', path, '--no-includes', '--list', '-z'], { cwd });
    const entries = parseConfigList(listed.stdout);
    const refused = entries.find(([key, value]) => !rule(key, value));
    if (refused) throw tampered(`${path} sets ${JSON.stringify(refused[0])}, which aidp never sets`);
    this.verified.set(path, { stamp, entries });
    return entries;
  }
}
