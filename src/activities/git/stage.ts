import type { GitRunner } from './run-git.js';

/** Paths the index holds as gitlinks (mode 160000): nested repositories, whose config aidp never runs. */
async function gitlinks(git: GitRunner, cwd: string): Promise<string[]> {
  const listed = await git(['ls-files', '--stage', '-z'], { cwd });
  const paths = listed.stdout
    .split('\0')
    .filter((record) => record.startsWith('160000 '))
    .map((record) => record.slice(record.indexOf('\t') + 1));
  return [...new Set(paths)];
}

/** Those of `paths` that .gitignore does not already keep out (git refuses a pathspec naming an ignored path). */
async function notIgnored(git: GitRunner, cwd: string, paths: readonly string[]): Promise<string[]> {
  const kept: string[] = [];
  for (const path of new Set(paths)) {
    const checked = await git(['check-ignore', '--quiet', '--no-index', '--', path], { cwd, okExitCodes: [1] });
    if (checked.exitCode === 1) kept.push(path);
  }
  return kept;
}

/**
 * `git add --all`, except for gitlinks already in the index. For those, `add` would run
 * `git status` inside the nested repository (diff.ignoreSubmodules does not reach it), under
 * that repository's own config: an agent's filter driver would run. Their pointers stay as they are.
 * `keepOut` (the setup cache's paths, e.g. node_modules) is never staged, ignored or not.
 */
export async function stageAll(git: GitRunner, cwd: string, keepOut: readonly string[] = []): Promise<void> {
  const excluded = [...(await gitlinks(git, cwd)), ...(await notIgnored(git, cwd, keepOut))].map((path) => `:(exclude,literal)${path}`);
  await git(['add', '--all', '--', '.', ...excluded], { cwd });
}
