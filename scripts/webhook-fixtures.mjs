#!/usr/bin/env node
// Writes test/fixtures/webhooks/<event>.<action>.json from the payloads of the
// @octokit/webhooks-examples devDependency (api.github.com), so the fixtures are GitHub's own
// examples and not hand-edited copies. `--check` writes nothing: it names every fixture that
// differs from what this script would write, and exits 1 (test/webhook-fixtures.test.ts runs it).
//
// Each fixture is the first example of its event and action, unless `pick` says which one. The
// only edit: an example recorded without `installation` gets ours (id 4242), as every delivery
// to an installed app carries one. What a single test needs (a label name, a sender, an issue
// number, a clone URL) the test sets on its own copy (test/support/webhooks.ts `fixture`).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'webhooks');
const INSTALLATION_ID = 4242;

/** One fixture per event and action the tests deliver. */
const FIXTURES = [
  { event: 'check_run', action: 'completed' },
  { event: 'check_suite', action: 'completed' },
  { event: 'installation', action: 'created' },
  { event: 'installation_repositories', action: 'added' },
  { event: 'issue_comment', action: 'created' },
  { event: 'issues', action: 'labeled' },
  { event: 'pull_request', action: 'closed' },
  { event: 'pull_request', action: 'labeled' },
  { event: 'pull_request', action: 'synchronize' },
  { event: 'pull_request_review', action: 'submitted' },
  // The CI tests need a run that belongs to a pull request.
  { event: 'workflow_run', action: 'completed', pick: (p) => p.workflow_run.pull_requests.length > 0 },
];

function examples() {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'));
}

/** The fixture files, by name, as this script writes them. */
function webhookFixtures() {
  const byEvent = new Map(examples().map((e) => [e.name, e.examples]));
  const files = new Map();
  for (const { event, action, pick = () => true } of FIXTURES) {
    const payload = (byEvent.get(event) ?? []).find((p) => p.action === action && pick(p));
    if (!payload) throw new Error(`@octokit/webhooks-examples has no ${event}.${action} example that fits`);
    const fixture = JSON.parse(JSON.stringify(payload));
    fixture.installation ??= {
      id: INSTALLATION_ID,
      node_id: Buffer.from(`023:IntegrationInstallation${INSTALLATION_ID}`).toString('base64'),
    };
    files.set(`${event}.${action}.json`, `${JSON.stringify(fixture, null, 2)}\n`);
  }
  return files;
}

function main() {
  const check = process.argv.includes('--check');
  const files = webhookFixtures();
  const stale = [...files].filter(([name, text]) => {
    try {
      return readFileSync(join(OUT_DIR, name), 'utf8') !== text;
    } catch {
      return true;
    }
  });
  const extra = readdirSync(OUT_DIR).filter((name) => name.endsWith('.json') && !files.has(name));
  if (check) {
    for (const [name] of stale) console.error(`test/fixtures/webhooks/${name} differs from @octokit/webhooks-examples: run npm run fixtures:webhooks`);
    for (const name of extra) console.error(`test/fixtures/webhooks/${name} is not made by scripts/webhook-fixtures.mjs: add it to FIXTURES there`);
    process.exit(stale.length + extra.length === 0 ? 0 : 1);
  }
  for (const [name, text] of stale) writeFileSync(join(OUT_DIR, name), text);
  console.log(`${files.size} webhook fixtures, ${stale.length} rewritten${extra.length ? `; not made by this script: ${extra.join(', ')}` : ''}`);
}

main();
