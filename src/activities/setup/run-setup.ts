import type { SetupSettings } from '../../domain/setup.js';
import type { CheckResult, NamedCheckConfig } from '../checks/run-checks.js';
import { howItFailed } from '../../domain/check-result.js';
import { cacheKey, cacheRoot, findEntry, restoreEntry, saveEntry } from './setup-cache.js';

export interface SetupResult {
  ok: boolean;
  /** hit: copied from the cache, commands skipped; miss: commands ran (and filled the cache); off: no cache configured. */
  cache: 'hit' | 'miss' | 'off';
  durationMs: number;
  /** Which command failed, how, and the tail of its output. */
  failure?: string;
  /** This run filled the cache. */
  saved?: boolean;
  /** What setup left untracked and not ignored (`node_modules`): never counted as changes, never committed. */
  produced?: string[];
}

export interface RunSetupDeps {
  workDir: string;
  /** Runs commands as checks run them: `sh -c` in the sandbox, each under its timeout. */
  runCommands(worktreePath: string, commands: NamedCheckConfig[]): Promise<CheckResult[]>;
}

/**
 * Setup in a fresh worktree of the untouched base: from the cache when its key files match an
 * entry (commands skipped), otherwise the commands one after another, stopping at the first that
 * fails; a passing run fills the cache unless `fillCache` is false (a worktree that may hold
 * agent-written files: a PR's head, a feature branch), so an agent's changes never reach it.
 */
export async function runSetup(
  deps: RunSetupDeps,
  input: { worktreePath: string; scope: string; setup: SetupSettings; fillCache: boolean },
): Promise<SetupResult> {
  const started = Date.now();
  const { setup, worktreePath } = input;
  const cache = setup.cache;
  const root = cacheRoot(deps.workDir);
  const key = cache ? await cacheKey({ worktreePath, scope: input.scope, commands: setup.commands.map((c) => c.command), cache }) : undefined;
  if (cache && key) {
    const entry = await findEntry(root, key);
    if (entry) {
      await restoreEntry(entry, worktreePath, cache.paths);
      return { ok: true, cache: 'hit', durationMs: Date.now() - started };
    }
  }
  for (const [i, c] of setup.commands.entries()) {
    const [result] = await deps.runCommands(worktreePath, [{ name: `setup-${i + 1}`, command: c.command, timeout_seconds: c.timeout_seconds, required: true }]);
    if (!result) throw new Error('setup command did not run');
    if (!result.passed) {
      return { ok: false, cache: cache ? 'miss' : 'off', durationMs: Date.now() - started, failure: describeSetupFailure(result) };
    }
  }
  const saved = cache && key && input.fillCache ? await saveEntry(root, key, worktreePath, cache.paths) : false;
  return { ok: true, cache: cache ? 'miss' : 'off', durationMs: Date.now() - started, ...(saved ? { saved } : {}) };
}

function describeSetupFailure(r: CheckResult): string {
  return `setup command \`${r.command}\` ${howItFailed(r)}. Output (tail):\n${r.outputTail.trim() || '(no output)'}`;
}
