import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';

const TESTS: Record<string, string> = {
  clamp: 'assert.equal(fn(5, 0, 3), 3);\nassert.equal(fn(-1, 0, 3), 0);\nassert.equal(fn(2, 0, 3), 2);',
  sum: 'assert.equal(fn([1, 2, 3]), 6);\nassert.equal(fn([]), 0);',
  unique: "assert.deepEqual(fn([1, 1, 2, 3, 3]), [1, 2, 3]);\nassert.deepEqual(fn(['a']), ['a']);",
  capitalize: "assert.equal(fn('hello'), 'Hello');\nassert.equal(fn(''), '');",
  range: 'assert.deepEqual(fn(2, 5), [2, 3, 4]);\nassert.deepEqual(fn(3, 3), []);',
  chunk: 'assert.deepEqual(fn([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);\nassert.deepEqual(fn([], 3), []);',
};

const RUNNER = `// Runs tests/<name>.test.mjs for every lib/<name>.mjs that exists, so each unit's branch
// is tested on what it adds. Exits 1 on the first failure.
import { existsSync, readdirSync } from 'node:fs';
let ran = 0;
for (const file of readdirSync('tests').filter((f) => f.endsWith('.test.mjs'))) {
  const name = file.replace('.test.mjs', '');
  if (!existsSync(\`lib/\${name}.mjs\`)) continue;
  const { default: fn } = await import(\`../lib/\${name}.mjs\`);
  const { default: test } = await import(\`./\${file}\`);
  try {
    test(fn);
    ran++;
    console.log(\`ok - \${name}\`);
  } catch (err) {
    console.error(\`not ok - \${name}: \${err.message}\`);
    process.exit(1);
  }
}
console.log(\`\${ran} test file(s) passed\`);
`;

export const DEMO_SPEC = `# Small utility library

Six helpers, each in its own module, each built by its own agent.

- [ ] Add clamp in lib/clamp.mjs
  Default export clamp(n, min, max): n limited to the range [min, max].
- [ ] Add sum in lib/sum.mjs
  Default export sum(values): the sum of an array of numbers, 0 for none.
- [ ] Add unique in lib/unique.mjs
  Default export unique(values): the values without duplicates, first occurrence kept.
- [ ] Add capitalize in lib/capitalize.mjs
  Default export capitalize(text): the text with its first letter in upper case.
- [ ] Add range in lib/range.mjs
  Default export range(start, end): the integers from start up to, not including, end.
- [ ] Add chunk in lib/chunk.mjs
  Default export chunk(values, size): the array split into arrays of at most size items.
`;

/** A small git repository whose tests pass once each helper exists and is right. */
export async function createSampleRepo(dir: string): Promise<void> {
  mkdirSync(join(dir, 'tests'), { recursive: true });
  mkdirSync(join(dir, '.github'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sample-utils', type: 'module', private: true, scripts: { test: 'node tests/run.mjs' } }, null, 2));
  writeFileSync(join(dir, 'tests', 'run.mjs'), RUNNER);
  for (const [name, body] of Object.entries(TESTS)) {
    writeFileSync(join(dir, 'tests', `${name}.test.mjs`), `import assert from 'node:assert/strict';\n\nexport default (fn) => {\n${body}\n};\n`);
  }
  writeFileSync(
    join(dir, '.github', 'aidp.yml'),
    'concurrency: 3\nmax_iterations: 3\nchecks:\n  test:\n    command: node tests/run.mjs\n    timeout_seconds: 60\nconventions: ES modules, one default export per file.\n',
  );
  writeFileSync(join(dir, 'README.md'), '# sample-utils\n\nA sample repository for the aidp demo.\n');
  const git = simpleGit(dir);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'aidp demo');
  await git.addConfig('user.email', 'demo@example.invalid');
  await git.add('.');
  await git.commit('Sample repository with tests');
}
