import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './support/repos.js';

const SCRIPT = join(process.cwd(), 'scripts', 'check-imports.mjs');

/** Runs the checker on a src/ tree made of `files` (path → text). */
function check(files: Record<string, string>) {
  const root = tempDir('imports');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, 'src', path)), { recursive: true });
    writeFileSync(join(root, 'src', path), text);
  }
  const run = spawnSync(process.execPath, [SCRIPT], { cwd: root, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('scripts/check-imports.mjs', () => {
  it('passes a tree whose arrows all point down', () => {
    const result = check({
      'workflows/flow.ts': "import { id } from '../domain/ids.js';\nexport const flow = id;\n",
      'domain/ids.ts': 'export const id = 1;\n',
    });
    expect(result.output).toMatch(/none upward, no cycle/);
    expect(result.status).toBe(0);
  });

  it('names the file, its target and both layers of an upward type import', () => {
    const result = check({
      'domain/status.ts': "import type { Input } from '../workflows/messages.js';\nexport type S = Input;\n",
      'workflows/messages.ts': 'export interface Input { a: number }\n',
    });
    expect(result.output).toContain('src/domain/status.ts → src/workflows/messages.ts (type): upward arrow, domain may not import workflows');
    expect(result.status).toBe(1);
  });

  it('names every file of an import cycle inside one layer', () => {
    const result = check({
      'handlers/a.ts': "import { b } from './b.js';\nexport const a = (): number => b();\n",
      'handlers/b.ts': "import { a } from './a.js';\nexport const b = (): number => a();\n",
    });
    expect(result.output).toContain('cycle: src/handlers/a.ts ⇄ src/handlers/b.ts');
    expect(result.status).toBe(1);
  });

  it('refuses a directory that is in no layer', () => {
    const result = check({ 'utils/misc.ts': 'export const x = 1;\n' });
    expect(result.output).toContain('src/utils/misc.ts: its directory is in no layer');
    expect(result.status).toBe(1);
  });
});
