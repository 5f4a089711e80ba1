// The import graph of src/: arrows point down the layers, and no module imports itself back.
// `npm run check:imports`; part of `npm test`. Reads every relative import, export … from,
// import() and import('…') type of src/ with the TypeScript parser (no type checking: fast).
// `import type` is an arrow like any other: a type that two layers share lives in the lower one.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

/**
 * Top to bottom. A module may import its own layer and any layer below it, never one above.
 * Keys are directories under src/ (the first path segment); see docs/architecture.md.
 */
const LAYERS = [
  ['entry points', ['cli', 'server']],
  // The engine, the embedded dev server and the workers: they assemble workflows and activities.
  ['engine wiring', ['temporal']],
  ['handlers', ['handlers']],
  // Both start and message workflows: processors for GitHub, features for `aidp run`.
  ['processors', ['processors', 'features']],
  // Workflows see activities as types only (proxyActivities); ESLint keeps those imports type-only.
  ['workflows', ['workflows']],
  ['activities', ['activities']],
  ['sandbox', ['sandbox']],
  ['logging and metrics', ['logging', 'metrics']],
  // The environment and `.github/aidp.yml` (zod); they read GitHub host names from github/.
  ['config', ['config']],
  // Names and rules of GitHub objects: workflow ids, permissions, commands, hosts.
  ['github', ['github']],
  ['domain', ['domain']],
];

const ROOT = 'src';
const rank = new Map(LAYERS.flatMap(([name, dirs], i) => dirs.map((dir) => [dir, { i, name }])));

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.[cm]?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative specifiers of one file, each with whether it brings only types. */
function importsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : [];
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && named.length > 0 && named.every((e) => e.isTypeOnly)));
      found.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      found.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push({ spec: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ spec: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((i) => i.spec.startsWith('.'));
}

/** `./x.js` in TypeScript's NodeNext style names `./x.ts` (and `.cjs` a `.cts`). */
function resolve(from, spec) {
  return normalize(join(dirname(from), spec)).replace(/\.js$/, '.ts').replace(/\.cjs$/, '.cts');
}

const layerOf = (file) => rank.get(relative(ROOT, file).split('/')[0]);

const files = sourceFiles(ROOT).sort();
const known = new Set(files);
const edges = new Map(files.map((f) => [f, []]));
const problems = [];

for (const file of files) {
  const from = layerOf(file);
  if (!from) problems.push(`${file}: its directory is in no layer (add it to LAYERS in scripts/check-imports.mjs)`);
  for (const { spec, typeOnly } of importsOf(file)) {
    const target = resolve(file, spec);
    if (!target.startsWith(`${ROOT}/`)) {
      problems.push(`${file}: imports ${spec}, outside src/`);
      continue;
    }
    if (known.has(target)) edges.get(file).push(target);
    const to = layerOf(target);
    if (from && to && to.i < from.i) {
      problems.push(`${file} → ${target}${typeOnly ? ' (type)' : ''}: upward arrow, ${from.name} may not import ${to.name}`);
    }
  }
}

// Cycles: Tarjan's strongly connected components; each one larger than a file is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)) {
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(low.get(v), index.get(w)));
    }
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || edges.get(v).includes(v)) problems.push(`cycle: ${component.sort().join(' ⇄ ')}`);
  }
}
for (const file of files) if (!index.has(file)) connect(file);

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} import problem(s) in ${files.length} files of ${ROOT}/ (layers: scripts/check-imports.mjs)`);
  process.exit(1);
}
const arrows = [...edges.values()].reduce((sum, list) => sum + list.length, 0);
console.log(`imports: ${files.length} files, ${arrows} arrows, none upward, no cycle`);
