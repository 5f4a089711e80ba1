import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';

/** The package root, from dist/bench/… at run time. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCRIPTED_AGENT = join(ROOT, 'test', 'fixtures', 'agents', 'scripted-agent.mjs');
export const AIDP_BIN = join(ROOT, 'bin', 'aidp.js');

export interface Figure {
  scenario: string;
  figure: string;
  value: number | string;
  unit: string;
  target?: string;
  met?: boolean;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `aidp-bench-${prefix}-`));
}

export { freeMetricsPort, freePort } from './free-port.js';

/** A repository whose check fails only when units/ exists and is empty (so the untouched base passes it). */
export async function benchRepo(opts: { files?: number } = {}): Promise<string> {
  const dir = tempDir('repo');
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  mkdirSync(join(dir, '.github'), { recursive: true });
  writeFileSync(
    join(dir, 'scripts', 'check.mjs'),
    "import { existsSync, readdirSync } from 'node:fs';\nprocess.exit(!existsSync('units') || readdirSync('units').length > 0 ? 0 : 1);\n",
  );
  writeFileSync(join(dir, '.github', 'aidp.yml'), 'max_iterations: 1\nchecks:\n  test:\n    command: node scripts/check.mjs\n    timeout_seconds: 60\n');
  for (let i = 0; i < (opts.files ?? 0); i++) {
    const sub = join(dir, 'src', `d${i % 50}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), `file ${i}\n`);
  }
  const git = simpleGit(dir);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'bench');
  await git.addConfig('user.email', 'bench@example.invalid');
  await git.add('.');
  await git.commit('bench repo');
  return dir;
}

export function taskList(title: string, n: number): string {
  return [`# ${title}`, '', ...Array.from({ length: n }, (_, i) => `- [ ] Unit ${i + 1}`)].join('\n');
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
