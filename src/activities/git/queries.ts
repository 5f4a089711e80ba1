import type { GitRunner } from './run-git.js';

/** The fields of git's `-z` output (NUL-separated), empty ones dropped. */
export function splitZ(output: string): string[] {
  return output.split('\0').filter((f) => f !== '');
}

/** The commit `ref` names in `cwd` (a mirror or a worktree), or undefined when it names none. */
export async function commitOf(git: GitRunner, cwd: string, ref: string): Promise<string | undefined> {
  const found = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, okExitCodes: [1] });
  return found.exitCode === 0 ? found.stdout.trim() : undefined;
}
