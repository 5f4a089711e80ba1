#!/usr/bin/env node
// The demo's scripted agent: a real process that reads its prompt from $AIDP_PROMPT_FILE and
// edits the worktree it runs in. It knows six small functions. For `chunk` its first attempt
// has an off-by-one bug, so the demo shows the fix-forward loop feeding a test failure back.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const IMPLEMENTATIONS = {
  clamp: 'export default function clamp(n, min, max) {\n  return Math.min(max, Math.max(min, n));\n}\n',
  sum: 'export default function sum(values) {\n  return values.reduce((total, v) => total + v, 0);\n}\n',
  unique: 'export default function unique(values) {\n  return [...new Set(values)];\n}\n',
  capitalize:
    'export default function capitalize(text) {\n  return text.length === 0 ? text : text[0].toUpperCase() + text.slice(1);\n}\n',
  range:
    'export default function range(start, end) {\n  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);\n}\n',
  chunk:
    'export default function chunk(values, size) {\n  const out = [];\n  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));\n  return out;\n}\n',
};
const BUGGY_CHUNK =
  'export default function chunk(values, size) {\n  const out = [];\n  for (let i = 0; i < values.length - 1; i += size) out.push(values.slice(i, i + size));\n  return out;\n}\n';

const prompt = readFileSync(process.env.AIDP_PROMPT_FILE, 'utf8');
const name = /lib\/([a-z]+)\.mjs/.exec(prompt)?.[1];
if (!name || !(name in IMPLEMENTATIONS)) {
  console.error(`demo agent: no function I know in this task (looked for lib/<name>.mjs)`);
  process.exit(1);
}
const retrying = prompt.includes('did not pass');
console.log(`demo agent: writing lib/${name}.mjs${retrying ? ' again, after the test failure' : ''}`);
await new Promise((resolve) => setTimeout(resolve, 800 + Math.floor(Math.random() * 1200)));
mkdirSync('lib', { recursive: true });
writeFileSync(`lib/${name}.mjs`, name === 'chunk' && !retrying ? BUGGY_CHUNK : IMPLEMENTATIONS[name]);
