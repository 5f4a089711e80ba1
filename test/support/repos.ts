import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';

/** A temp dir removed by the caller; everything a test writes lives under one of these. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `aidp-test-${prefix}-`));
}

/**
 * A real git repository on `main` that is its own remote (as in `aidp run`): its checks pass
 * when every file under units/ is non-empty and exclusive/ holds at most one file (so they pass
 * on the untouched base, as aidp's baseline run wants).
 */
export async function createTestRepo(opts: { aidpYml?: string } = {}): Promise<string> {
  const dir = tempDir('repo');
  mkdirSync(join(dir, '.github'), { recursive: true });
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(
    join(dir, 'scripts', 'check-units.mjs'),
    [
      "import { existsSync, readdirSync, readFileSync } from 'node:fs';",
      "const files = existsSync('units') ? readdirSync('units') : [];",
      "for (const f of files) if (readFileSync(`units/${f}`, 'utf8').trim() === '') { console.error(`empty ${f}`); process.exit(1); }",
      "const exclusive = existsSync('exclusive') ? readdirSync('exclusive') : [];",
      "if (exclusive.length > 1) { console.error(`exclusive files clash: ${exclusive.join(', ')}`); process.exit(1); }",
      "console.log(`${files.length} unit file(s) ok`);",
    ].join('\n'),
  );
  writeFileSync(
    join(dir, '.github', 'aidp.yml'),
    opts.aidpYml ??
      'concurrency: 4\nmax_iterations: 2\nchecks:\n  test:\n    command: node scripts/check-units.mjs\n    timeout_seconds: 60\n',
  );
  writeFileSync(join(dir, 'README.md'), '# test repo\n');
  writeFileSync(join(dir, 'shared.txt'), 'base\n');
  const git = simpleGit(dir);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'test');
  await git.addConfig('user.email', 'test@example.invalid');
  await git.add('.');
  await git.commit('initial');
  return dir;
}

/** A spec whose task list has these titles, one unit each. */
export function taskListSpec(title: string, units: string[]): string {
  return [`# ${title}`, '', ...units.map((u) => `- [ ] ${u}`), ''].join('\n');
}
