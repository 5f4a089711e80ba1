import { describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { worktreeConfigText } from '../src/activities/git/worktree-config.js';
import { git } from './support/hostile-git.js';
import { tempDir } from './support/repos.js';

describe("a worktree's config file, as aidp writes it", () => {
  it('holds the entries in a form git reads back as they were given', async () => {
    const file = join(tempDir('worktree-config'), 'config.worktree');
    const sha = 'a'.repeat(40);
    writeFileSync(file, worktreeConfigText({ 'user.name': 'aidp', 'user.email': 'aidp@users.noreply.github.com', 'commit.gpgsign': 'false', 'aidp.baseSha': sha }));

    expect(await git('/', 'config', '--file', file, '--list')).toBe(
      ['user.name=aidp', 'user.email=aidp@users.noreply.github.com', 'commit.gpgsign=false', `aidp.basesha=${sha}`].join('\n'),
    );
  });

  it.each([
    ['a key aidp never sets', { 'core.fsmonitor': 'true' }],
    ['a subsection', { 'filter.evil.clean': 'true' }],
    ['a value that would start another line', { 'user.name': 'aidp\n[core]\n\tfsmonitor = x' }],
    ['a record that is not a sha', { 'aidp.baseSha': 'HEAD' }],
  ])('refuses %s', (_name, entries) => {
    expect(() => worktreeConfigText(entries)).toThrow('is not worktree config aidp writes');
  });
});
