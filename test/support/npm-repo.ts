import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import { tempDir } from './repos.js';

/** A tiny test runner, packed as a tarball: the repository installs it like a registry package. */
async function packRunner(): Promise<string> {
  const dir = tempDir('runner');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'minirun', version: '1.0.0', bin: { minirun: 'bin/minirun.js' }, files: ['bin'] }, null, 2),
  );
  writeFileSync(
    join(dir, 'bin', 'minirun.js'),
    [
      '#!/usr/bin/env node',
      "import { readdirSync } from 'node:fs';",
      "import { spawnSync } from 'node:child_process';",
      "const files = readdirSync('test').filter((f) => f.endsWith('.test.mjs'));",
      'let failed = 0;',
      "for (const f of files) { const r = spawnSync(process.execPath, [`test/${f}`], { stdio: 'inherit' }); if (r.status !== 0) failed++; }",
      'console.log(`minirun: ${files.length - failed} passed, ${failed} failed`);',
      'process.exit(failed ? 1 : 0);',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const packed = await execa('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: dir });
  return join(dir, packed.stdout.trim().split('\n').pop()!);
}

/** package.json of the repository: `npm test` runs the runner, a devDependency from vendor/. */
const PACKAGE_JSON = JSON.stringify(
  { name: 'demo', version: '1.0.0', private: true, type: 'module', scripts: { test: 'minirun' }, devDependencies: { minirun: 'file:vendor/minirun-1.0.0.tgz' } },
  null,
  2,
);
const NPMRC = 'audit=false\nfund=false\nupdate-notifier=false\n';

/**
 * package.json, .npmrc, vendor/ with the packed runner and the package-lock.json npm wrote for
 * them: the same for every repository, so packed and locked once per test file (two npm runs).
 */
let packageFiles: Promise<string> | undefined;
function lockedPackage(): Promise<string> {
  packageFiles ??= (async () => {
    const tarball = await packRunner();
    const dir = tempDir('npm-package');
    mkdirSync(join(dir, 'vendor'));
    copyFileSync(tarball, join(dir, 'vendor', 'minirun-1.0.0.tgz'));
    writeFileSync(join(dir, 'package.json'), PACKAGE_JSON);
    writeFileSync(join(dir, '.npmrc'), NPMRC);
    await execa('npm', ['install', '--package-lock-only', '--offline', '--ignore-scripts'], { cwd: dir });
    return dir;
  })();
  return packageFiles;
}

/**
 * A real-style npm package on `main` that is its own remote: its test runner is a devDependency
 * (a tarball in vendor/, so no registry is needed), node_modules is ignored, `npm test` runs the
 * runner, which fails with 127 when the dependencies are not installed.
 */
export async function createNpmRepo(opts: { aidpYml: string; gitignore?: boolean }): Promise<string> {
  const packageDir = await lockedPackage();
  const dir = tempDir('npm-repo');
  mkdirSync(join(dir, '.github'));
  mkdirSync(join(dir, 'test'));
  cpSync(packageDir, dir, { recursive: true });
  if (opts.gitignore ?? true) writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  writeFileSync(join(dir, 'test', 'base.test.mjs'), "import assert from 'node:assert';\nassert.equal(1 + 1, 2);\n");
  writeFileSync(join(dir, '.github', 'aidp.yml'), opts.aidpYml);
  const git = simpleGit(dir);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'test');
  await git.addConfig('user.email', 'test@example.invalid');
  await git.add('.');
  await git.commit('initial');
  return dir;
}
