import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecomposeActivities, type AskAgentInput } from '../src/activities/decompose/decompose-activities.js';
import { sanitizeUserText } from '../src/domain/sanitize.js';
import { parseTaskList } from '../src/activities/decompose/task-list.js';
import { parseUnitsBlock } from '../src/activities/decompose/units-block.js';
import { validateUnits } from '../src/activities/decompose/validate-units.js';
import type { UnitSpec } from '../src/domain/unit.js';
import { failureOf, failureThrownBy } from './support/failures.js';

const spec = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'specs', name), 'utf8');

function unit(id: string, dependsOn: string[] = []): UnitSpec {
  return { id, slug: id, title: id.toUpperCase(), description: '', dependsOn };
}

/** A stand-in agent answering from a script, one answer per ask; records what it was asked. */
function scriptedAgent(answers: string[]) {
  const asks: AskAgentInput[] = [];
  const askAgent = async (input: AskAgentInput): Promise<string> => {
    asks.push(input);
    return answers[Math.min(asks.length, answers.length) - 1] ?? '';
  };
  return { asks, askAgent };
}

const VALID_ANSWER = [
  'Reading the repository… found {"files": 12} in src/',
  '```json',
  '{"units":[{"id":"index","title":"Search index","description":"Index articles."},',
  '{"id":"page","title":"Results page","depends_on":["index"]}]}',
  '```',
].join('\n');

const decomposeInput = (specText: string) => ({
  specText,
  repoDir: '/repos/site',
  providers: [{ preset: 'claude' as const, args: [] }],
  timeoutMs: 60_000,
});

describe('parseTaskList', () => {
  it('makes one unit per top-level task item, with its slugified title as id and slug', () => {
    const units = parseTaskList(spec('task-list.md'));

    expect(units?.map((u) => u.title)).toEqual(['Add theme tokens', 'Theme switcher in settings', 'Add theme tokens']);
    expect(units?.[1]?.id).toBe('theme-switcher-in-settings');
    expect(units?.[1]?.slug).toBe('theme-switcher-in-settings');
  });

  it('reads the lines indented under an item as its description', () => {
    const units = parseTaskList(spec('task-list.md'));

    expect(units?.[0]?.description).toBe(
      'Define colour tokens for light and dark themes\nin `src/theme/tokens.ts`.\n\nKeep the existing light values unchanged.',
    );
    expect(units?.[1]?.description).toBe('A toggle on the settings page.\n- [ ] remember the choice in localStorage');
    expect(units?.[2]?.description).toBe('');
  });

  it('gives repeated titles distinct ids', () => {
    const ids = parseTaskList(spec('task-list.md'))?.map((u) => u.id);

    expect(ids).toEqual(['add-theme-tokens', 'theme-switcher-in-settings', 'add-theme-tokens-2']);
  });

  it('ignores checkboxes inside code blocks', () => {
    const titles = parseTaskList(spec('task-list.md'))?.map((u) => u.title);

    expect(titles).not.toContain('Example checkbox inside a code block');
  });

  it('finds nothing in a spec without a task list', () => {
    expect(parseTaskList(spec('prose.md'))).toBeUndefined();
  });

  it('reads a task list inside a quote, without the quote markers', () => {
    const units = parseTaskList('> - [ ] Add theme tokens\n>   in `tokens.ts`\n> - [ ] Theme switcher');

    expect(units?.map((u) => [u.title, u.description])).toEqual([['Add theme tokens', 'in `tokens.ts`'], ['Theme switcher', '']]);
  });

  it('makes units of numbered task items', () => {
    const titles = parseTaskList('1. [ ] Add theme tokens\n2. [x] Theme switcher')?.map((u) => u.title);

    expect(titles).toEqual(['Add theme tokens', 'Theme switcher']);
  });

  it('ignores checkboxes in a code block indented four spaces', () => {
    expect(parseTaskList('An example:\n\n    - [ ] Example checkbox in indented code')).toBeUndefined();
  });
});

describe('parseUnitsBlock', () => {
  it('reads ids, titles, descriptions and dependencies from an aidp-units block', () => {
    expect(parseUnitsBlock(spec('units-block.md'))).toEqual([
      {
        id: 'schema',
        slug: 'schema',
        title: 'Payment tables',
        description: 'Add the payments and refunds tables.\nWith a migration.',
        dependsOn: [],
      },
      { id: 'api', slug: 'api', title: 'Payment API', description: '', dependsOn: ['schema'] },
      { id: 'ui', slug: 'ui', title: 'Checkout page', description: 'The checkout form.', dependsOn: ['api'] },
    ]);
  });

  it('keeps hostile ids as written and gives them safe, distinct slugs', () => {
    const units = parseUnitsBlock(
      ['```aidp-units', '- id: "../x"', '  title: A', '- id: "../X"', '  title: B', '- id: "$(touch pwned)"', '  title: C', '```'].join('\n'),
    );

    expect(units?.map((u) => u.id)).toEqual(['../x', '../X', '$(touch pwned)']);
    for (const u of units ?? []) expect(u.slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(new Set(units?.map((u) => u.slug)).size).toBe(3);
  });

  it('names the missing field of the unit that lacks it', () => {
    const failure = failureThrownBy(() => parseUnitsBlock(spec('units-missing-title.md')));

    expect(failure.type).toBe('SpecInvalid');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('units[2].title is required');
  });

  it('names a misspelt field instead of ignoring it', () => {
    const failure = failureThrownBy(() => parseUnitsBlock('```aidp-units\n- id: a\n  title: A\n  dependsOn: [b]\n```\n'));

    expect(failure.message).toContain('units[0] has unknown field(s) "dependsOn"');
  });

  it('refuses a block that is not YAML', () => {
    const failure = failureThrownBy(() => parseUnitsBlock('```aidp-units\n- id: [unclosed\n```\n'));

    expect(failure.type).toBe('SpecInvalid');
  });

  it('finds nothing in a spec without an aidp-units block', () => {
    expect(parseUnitsBlock(spec('task-list.md'))).toBeUndefined();
  });
});

describe('validateUnits', () => {
  it('accepts units whose dependencies form no cycle', () => {
    expect(() => validateUnits([unit('a'), unit('b', ['a']), unit('c', ['a', 'b'])])).not.toThrow();
  });

  it('names a dependency cycle as a path', () => {
    const failure = failureThrownBy(() => validateUnits(parseUnitsBlock(spec('units-cycle.md')) ?? []));

    expect(failure.type).toBe('SpecInvalid');
    expect(failure.message).toContain('a → b → a');
  });

  it('names a unit that depends on itself', () => {
    expect(failureThrownBy(() => validateUnits([unit('a', ['a'])])).message).toContain('a → a');
  });

  it('names a duplicate id', () => {
    const failure = failureThrownBy(() => validateUnits([unit('api'), unit('ui'), unit('api')]));

    expect(failure.type).toBe('SpecInvalid');
    expect(failure.message).toContain('"api" is used more than once');
  });

  it('names an unknown dependency and the unit that has it', () => {
    const failure = failureThrownBy(() => validateUnits([unit('ui', ['apii'])]));

    expect(failure.message).toContain('unit "ui" depends on "apii", which is not a unit');
  });

  it('refuses an empty unit list', () => {
    expect(failureThrownBy(() => validateUnits([])).type).toBe('SpecInvalid');
  });
});

describe('sanitizeUserText', () => {
  it('removes HTML comments, including one left open to the end', () => {
    expect(sanitizeUserText('a<!-- hidden -->b\n<!--\nmore\n-->c<!-- open\nrest')).toBe('ab\nc');
  });

  it('removes zero-width and bidi control characters but keeps tabs and newlines', () => {
    expect(sanitizeUserText('a\u200Bb\u202Ec\u2066d\uFEFFe\t\nf\u0007')).toBe('abcde\t\nf');
  });
});

describe('decomposeFeature', () => {
  it('takes the units of an aidp-units block over a task list, without asking an agent', async () => {
    const agent = scriptedAgent([VALID_ANSWER]);
    const { decomposeFeature } = createDecomposeActivities(agent);

    const units = await decomposeFeature(decomposeInput(spec('units-block.md')));

    expect(units.map((u) => u.id)).toEqual(['schema', 'api', 'ui']);
    expect(agent.asks).toHaveLength(0);
  });

  it('takes a task list when there is no block, without asking an agent', async () => {
    const agent = scriptedAgent([VALID_ANSWER]);
    const { decomposeFeature } = createDecomposeActivities(agent);

    const units = await decomposeFeature(decomposeInput(spec('task-list.md')));

    expect(units).toHaveLength(3);
    expect(agent.asks).toHaveLength(0);
  });

  it('refuses a spec whose own units form a cycle, without asking an agent', async () => {
    const agent = scriptedAgent([VALID_ANSWER]);
    const { decomposeFeature } = createDecomposeActivities(agent);

    const failure = await failureOf(decomposeFeature(decomposeInput(spec('units-cycle.md'))));

    expect(failure.type).toBe('SpecInvalid');
    expect(agent.asks).toHaveLength(0);
  });

  it('does not turn a task hidden in an HTML comment into a unit', async () => {
    const { decomposeFeature } = createDecomposeActivities(scriptedAgent([]));

    const units = await decomposeFeature(decomposeInput(spec('hidden-comment.md')));

    expect(units.map((u) => u.title)).toEqual(["Show the user's avatar", 'Show the display name', 'Edit the biotxt.exe']);
  });

  it('asks the agent in the repository for a spec of prose, and reads the units from its JSON', async () => {
    const agent = scriptedAgent([VALID_ANSWER]);
    const { decomposeFeature } = createDecomposeActivities(agent);

    const units = await decomposeFeature(decomposeInput(spec('prose.md')));

    expect(units).toEqual([
      { id: 'index', slug: 'index', title: 'Search index', description: 'Index articles.', dependsOn: [] },
      { id: 'page', slug: 'page', title: 'Results page', description: '', dependsOn: ['index'] },
    ]);
    expect(agent.asks).toHaveLength(1);
    expect(agent.asks[0]).toMatchObject({ cwd: '/repos/site', timeoutMs: 60_000, providers: [{ preset: 'claude' }] });
    expect(agent.asks[0]?.prompt).toContain('Add full-text search over articles');
  });

  it('takes the last JSON object of an answer that has no json block', async () => {
    const answer = 'thinking {"units": "not yet"}\n{"units":[{"id":"only","title":"Only unit"}]}\nDone.';
    const { decomposeFeature } = createDecomposeActivities(scriptedAgent([answer]));

    const units = await decomposeFeature(decomposeInput(spec('prose.md')));

    expect(units.map((u) => u.id)).toEqual(['only']);
  });

  it('asks once more with the problems when the first answer is unusable, and uses the repaired one', async () => {
    const agent = scriptedAgent(['I think we should split it into a few parts.', VALID_ANSWER]);
    const { decomposeFeature } = createDecomposeActivities(agent);

    const units = await decomposeFeature(decomposeInput(spec('prose.md')));

    expect(units.map((u) => u.id)).toEqual(['index', 'page']);
    expect(agent.asks).toHaveLength(2);
    expect(agent.asks[1]?.prompt).toContain('the answer holds no JSON object');
  });

  it('hands an agent its own dependency cycle to repair', async () => {
    const cyclic = '{"units":[{"id":"x","title":"X","depends_on":["y"]},{"id":"y","title":"Y","depends_on":["x"]}]}';
    const agent = scriptedAgent([cyclic, VALID_ANSWER]);
    const { decomposeFeature } = createDecomposeActivities(agent);

    await decomposeFeature(decomposeInput(spec('prose.md')));

    expect(agent.asks[1]?.prompt).toContain('x → y → x');
  });

  it('fails as DecomposeFailed after exactly two unusable answers, saying what was wrong', async () => {
    const agent = scriptedAgent(['{"units":[{"id":"a"}]}']);
    const { decomposeFeature } = createDecomposeActivities(agent);

    const failure = await failureOf(decomposeFeature(decomposeInput(spec('prose.md'))));

    expect(failure.type).toBe('DecomposeFailed');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('units[0].title is required');
    expect(agent.asks).toHaveLength(2);
  });
});
