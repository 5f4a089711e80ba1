import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ConfigEntries, worktreeConfigRule } from './config-check.js';
import type { RepoTrust } from './repo-trust.js';

/** `section.name` keys without subsections, as aidp's worktree config keys are. */
const PLAIN_KEY = /^([A-Za-z][A-Za-z0-9-]*)\.([A-Za-z][A-Za-z0-9-]*)$/;

/**
 * `entries` in git's config format. Each must be one that config-check.ts's worktreeConfigRule
 * accepts (whose values are all plain words, a mail address or a sha: nothing to quote).
 */
export function worktreeConfigText(entries: Record<string, string>): string {
  const sections = new Map<string, string[]>();
  for (const [key, value] of Object.entries(entries)) {
    const [, section, name] = PLAIN_KEY.exec(key) ?? [];
    if (!section || !name || !worktreeConfigRule(key.toLowerCase(), value)) {
      throw new Error(`${JSON.stringify(key)} = ${JSON.stringify(value)} is not worktree config aidp writes`);
    }
    const lines = sections.get(section.toLowerCase()) ?? [];
    sections.set(section.toLowerCase(), [...lines, `\t${name} = ${value}`]);
  }
  return [...sections].map(([section, lines]) => `[${section}]\n${lines.join('\n')}\n`).join('');
}

/**
 * Writes a new worktree's own config file (`<mirror>/worktrees/<name>/config.worktree`, found from
 * the mirror's side) whole, holding `entries` only, in one go: no `git config` per key, and the
 * file is checked once, by git's parser, before the next git command in the worktree.
 * `git config --worktree` would find the file too, but first reads every worktree's records and
 * fails (exit 128) while another unit's worktree is half added or removed. Written under git's
 * own lock name (`config.worktree.lock`, created exclusively, so no planted file or symlink is
 * followed), then renamed over the file, as git does.
 */
export async function writeWorktreeConfig(trust: RepoTrust, worktreePath: string, entries: Record<string, string>): Promise<void> {
  const text = worktreeConfigText(entries);
  const file = join((await trust.worktreeDirs(worktreePath)).gitDir, 'config.worktree');
  const lock = `${file}.lock`;
  try {
    await writeFile(lock, text, { flag: 'wx', mode: 0o644 });
    await rename(lock, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await rm(lock, { force: true });
    throw err;
  }
}

/** The value of a key (`section.name`, any case), or undefined when the checked file does not set it. */
export function configValue(entries: ConfigEntries, key: string): string | undefined {
  const wanted = key.toLowerCase();
  return entries.findLast(([k]) => k === wanted)?.[1];
}

/** The value of a key in the worktree's checked config.worktree. */
export async function getWorktreeConfig(trust: RepoTrust, worktreePath: string, key: string): Promise<string | undefined> {
  return configValue((await trust.worktree(worktreePath)).config, key);
}
