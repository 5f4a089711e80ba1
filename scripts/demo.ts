import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';
import { main } from '../src/cli/main.js';
import { createSampleRepo, DEMO_SPEC } from './demo/sample-repo.js';

// `npm run demo`: a sample repository, a six-unit spec and a scripted agent, built by `aidp run`
// on the embedded Temporal engine, exactly as a user would run it.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const demoDir = mkdtempSync(join(tmpdir(), 'aidp-demo-'));
const repo = join(demoDir, 'sample-utils');
const spec = join(demoDir, 'feature.md');
const agent = join(root, 'scripts', 'demo', 'demo-agent.mjs');

await createSampleRepo(repo);
writeFileSync(spec, DEMO_SPEC);
process.stderr.write(`demo: sample repository ${repo}\ndemo: spec ${spec}\n`);

// The agent runs in the sandbox: its directory is made readable there (added to the operator's list).
process.env.AIDP_SANDBOX_READ_PATHS = [process.env.AIDP_SANDBOX_READ_PATHS, dirname(agent)].filter(Boolean).join(':');
await main(['node', 'aidp', 'run', '--repo', repo, '--spec', spec, '--agent-command', `node "${agent}"`]);
const exitCode = Number(process.exitCode ?? 0);

const git = simpleGit(repo);
const branches = await git.branch(['--list', 'aidp/*']);
const feature = branches.all.find((b) => b.endsWith('/feature'));
let testsOnFeature = '(no feature branch)';
if (feature) {
  // The sample's own tests, on the merged feature branch: all six helpers, together.
  const checkout = join(demoDir, 'feature-checkout');
  await git.raw(['worktree', 'add', '--detach', checkout, feature]);
  const run = spawnSync(process.execPath, ['tests/run.mjs'], { cwd: checkout, encoding: 'utf8' });
  testsOnFeature = `${run.stdout.trim().split('\n').at(-1) ?? ''} (exit ${run.status})`;
  await git.raw(['worktree', 'remove', '--force', checkout]);
}
process.stdout.write(
  [
    '',
    'Where to look:',
    `  the feature branch:  git -C ${repo} log --oneline --graph ${feature ?? 'aidp/...'}`,
    `  its tests:           ${testsOnFeature}`,
    `  unit branches:       ${branches.all.filter((b) => b !== feature).join(', ')}`,
    `  one unit's change:   git -C ${repo} log --stat -1 ${branches.all[0] ?? 'aidp/...'}`,
    '  the run in the Web UI: npx aidp temporal   (then open the UI address it prints)',
    '',
  ].join('\n'),
);
process.exit(exitCode);
