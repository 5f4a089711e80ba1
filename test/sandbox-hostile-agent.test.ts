import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';
import type { FeatureResult } from '../src/workflows/feature-orchestration/messages.js';
import { startHarness, TEST_SECRETS, type Harness } from './support/harness.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';
import { agentIoDir, livePidsMentioning } from './support/sandbox.js';
import { bundleWorkflows } from './support/temporal.js';
import { waitFor } from './support/wait-for.js';

const HOSTILE_AGENT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'agents', 'hostile-agent.mjs');

/** In the worker's environment while the test runs: the app's own secrets and a deployment's custom one. */
const WORKER_SECRETS = {
  ...TEST_SECRETS,
  GITHUB_CLIENT_SECRET: 'gh-client-secret-7d2a91',
  MY_DEPLOY_TOKEN: 'deploy-token-c0ffee-4411',
};
const KEY_FILE_BODY = 'MIIEhostilekeyfilematerialXYZ';
const SECRET_VALUES = [...Object.values(WORKER_SECRETS), KEY_FILE_BODY];

/** Every file under `dir` with a hash of its content (a dir that does not exist: none). */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (sub: string): void => {
    for (const name of readdirSync(join(dir, sub))) {
      const rel = join(sub, name);
      const stat = statSync(join(dir, rel));
      if (stat.isDirectory()) walk(rel);
      else files[rel] = `${stat.mode.toString(8)} ${createHash('sha256').update(readFileSync(join(dir, rel))).digest('hex')}`;
    }
  };
  if (existsSync(dir)) walk('');
  return files;
}

describe('a hostile agent in the sandbox', () => {
  const saved: Record<string, string | undefined> = {};
  let harness: Harness;
  let repo: string;
  let result: FeatureResult;
  let branch: string;
  const workerHome = tempDir('worker-home');
  const keyFile = join(workerHome, 'app.private-key.pem');
  const envFile = join(workerHome, '.env');
  const markerDir = tempDir('markers');
  const io = agentIoDir('hostile');
  const setsidMarker = join(io, 'setsid-marker');
  const reportCopy = join(io, 'report.json');
  const token = `hostile-setsid-${process.pid}-${Date.now()}`;
  const hostTmpFile = join(tmpdir(), `aidp-hostile-${process.pid}-${Date.now()}.txt`);
  const before: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    for (const [name, value] of Object.entries(WORKER_SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    writeFileSync(keyFile, `-----BEGIN RSA PRIVATE KEY-----\n${KEY_FILE_BODY}\n-----END RSA PRIVATE KEY-----\n`, { mode: 0o600 });
    writeFileSync(envFile, Object.entries(WORKER_SECRETS).map(([k, v]) => `${k}=${v}`).join('\n'));
    harness = await startHarness({
      bundle: await bundleWorkflows(),
      // As a worker started in workerHome with PRIVATE_KEY_PATH=keyFile would protect them.
      sandbox: { protectedPaths: [workerHome, envFile, keyFile, process.cwd()] },
    });
    repo = await createTestRepo();
    const targets = join(io, 'targets.json');
    writeFileSync(targets, JSON.stringify({ keyFile, envFile, sourceRepo: repo, workDir: harness.workDir, hostTmpFile, markerDir, setsidMarker, token, reportCopy }));
    before.repoHooks = snapshot(join(repo, '.git', 'hooks'));
    before.repoConfig = { config: readFileSync(join(repo, '.git', 'config'), 'utf8') };
    before.workerHome = snapshot(workerHome);

    const handle = await harness.startFeature(repo, taskListSpec('Hostile', ['Attack everything']), {
      providers: [{ preset: 'command', command: `node ${HOSTILE_AGENT} --targets ${targets}`, args: [] }],
      maxIterations: 1,
    });
    result = await handle.result();
    branch = result.units[0]!.branch;
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('completes the unit with its file committed on the unit branch', async () => {
    expect(result.units[0]?.error).toBeUndefined();
    expect(result.status).toBe('completed');
    const files = (await simpleGit(repo).raw(['ls-tree', '-r', '--name-only', branch])).split('\n');
    expect(files).toEqual(expect.arrayContaining(['units/hostile.txt', 'report.json']));
  });

  it('let the agent read no secret: not from /proc, not the key file, not the .env', async () => {
    const report = JSON.parse(readFileSync(reportCopy, 'utf8')) as {
      read: Record<string, string>;
      errors: Record<string, string>;
      visiblePids: string[];
    };

    // The attacks ran: it listed its own processes and tried the files.
    expect(report.visiblePids.length).toBeGreaterThan(0);
    expect(Object.keys(report.read).some((k) => k.startsWith('environ-'))).toBe(true);
    expect(report.errors['key-file']).toBe('ENOENT');
    expect(report.errors['env-file']).toBe('ENOENT');
    const text = JSON.stringify(report);
    for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
  });

  it('leaves no secret value anywhere in the unit branch', async () => {
    const git = simpleGit(repo);
    const files = (await git.raw(['ls-tree', '-r', '--name-only', branch])).split('\n').filter(Boolean);
    expect(files).toContain('report.json');
    const contents = await Promise.all(files.map((f) => git.show([`${branch}:${f}`])));
    const message = await git.raw(['log', '-1', '--format=%B', branch]);
    for (const secret of SECRET_VALUES) {
      expect(contents.filter((text) => text.includes(secret))).toEqual([]);
      expect(message).not.toContain(secret);
    }
    const worktree = join(harness.workDir, 'worktrees');
    for (const secret of SECRET_VALUES) expect(JSON.stringify(snapshotText(worktree))).not.toContain(secret);
  });

  it('changes nothing outside its worktree: the source checkout, the work dir, the host /tmp, the worker dir', async () => {
    expect(await simpleGit(repo).raw(['status', '--porcelain'])).toBe('');
    expect(existsSync(join(repo, 'pwned.txt'))).toBe(false);
    expect(snapshot(join(repo, '.git', 'hooks'))).toEqual(before.repoHooks);
    expect(readFileSync(join(repo, '.git', 'config'), 'utf8')).toBe(before.repoConfig!.config);
    expect(existsSync(join(harness.workDir, 'pwned.txt'))).toBe(false);
    expect(existsSync(hostTmpFile)).toBe(false);
    expect(snapshot(workerHome)).toEqual(before.workerHome);
  });

  it('never runs a planted hook or fsmonitor', () => {
    expect(readdirSync(markerDir)).toEqual([]);
  });

  it('leaves its setsid child dead, so its late write never happens', async () => {
    await waitFor(() => livePidsMentioning(token).length === 0, 10_000, 'the setsid child to be gone');
    expect(livePidsMentioning(token)).toEqual([]);
    expect(existsSync(setsidMarker)).toBe(false);
  });
});

/** The text of every file under `dir`, for a search (binary files included as latin1). */
function snapshotText(dir: string): string[] {
  const texts: string[] = [];
  const walk = (path: string): void => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else texts.push(readFileSync(path, 'latin1'));
  };
  walk(dir);
  return texts;
}
