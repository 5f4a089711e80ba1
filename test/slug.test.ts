import { describe, expect, it } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/common';
import { execa } from 'execa';
import { featureBranch, isSafeSlug, slugify, uniqueSlugs, unitBranch } from '../src/domain/slug.js';

const HOSTILE = [
  '../x',
  '..',
  '.',
  '$(touch pwned)',
  "'; rm -rf /",
  `it's "quoted"`,
  'spaces and\ttabs',
  'ünïcødé 🚀 名前',
  '🚀🚀🚀',
  'x'.repeat(300),
  'branch.lock',
  'main@{1}',
  'ctrl\u0000\u0001\u001b[31mchars\u007f',
  '--force',
  'refs/heads/main',
  'a//b',
  '-',
  '',
  '   ',
  'ends-with-dash-',
  'x~1^2:y?*[z\\',
];

async function isValidBranch(name: string): Promise<boolean> {
  const result = await execa('git', ['check-ref-format', '--branch', name], { reject: false });
  return result.exitCode === 0;
}

function isSinglePathSegment(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\\');
}

describe('slugify', () => {
  it('keeps a slug that is already safe unchanged', () => {
    expect(slugify('add-login-page')).toBe('add-login-page');
  });

  it('lowercases and joins words with dashes without adding a hash', () => {
    expect(slugify('Unit number  7')).toBe('unit-number-7');
  });

  it('transliterates accented letters and marks the change with 6 hex of a hash', () => {
    expect(slugify('Crème brûlée für Straße')).toMatch(/^creme-brulee-fur-strasse-[0-9a-f]{6}$/);
  });

  it('gives different slugs to texts that differ only in dropped characters', () => {
    expect(slugify('a/b')).not.toBe(slugify('a\\b'));
    expect(slugify('a/b')).toMatch(/^a-b-[0-9a-f]{6}$/);
  });

  it('truncates long text to maxLength and keeps two long texts with a different ending apart', () => {
    const a = slugify(`${'word '.repeat(60)}alpha`);
    const b = slugify(`${'word '.repeat(60)}omega`);
    expect(a.length).toBeLessThanOrEqual(40);
    expect(a).toMatch(/^word-word-.*-[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
  });

  it('honours a custom maxLength', () => {
    expect(slugify('a fairly long title for a feature', 16).length).toBeLessThanOrEqual(16);
  });

  it('falls back to "unit" plus a hash when nothing usable is left', () => {
    expect(slugify('🚀🚀')).toMatch(/^unit-[0-9a-f]{6}$/);
    expect(slugify('')).toMatch(/^unit-[0-9a-f]{6}$/);
  });

  it('refuses a maxLength too small to hold a hash', () => {
    expect(() => slugify('x', 7)).toThrow(RangeError);
  });

  it.each(HOSTILE.map((text) => [JSON.stringify(text).slice(0, 40), text]))(
    'makes a valid branch name and a single path segment of %s',
    async (_label, text) => {
      const slug = slugify(text);
      expect(slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(slug.length).toBeLessThanOrEqual(40);
      expect(isSinglePathSegment(slug)).toBe(true);
      expect(await isValidBranch(slug)).toBe(true);
      expect(await isValidBranch(unitBranch(slugify('feature'), slug))).toBe(true);
    },
  );

  it('never gives two different hostile inputs the same slug', () => {
    const slugs = HOSTILE.map((text) => slugify(text));
    expect(new Set(slugs).size).toBe(HOSTILE.length);
  });
});

describe('uniqueSlugs', () => {
  it('keeps order and gives repeated ids distinct slugs', () => {
    expect(uniqueSlugs(['Setup', 'api', 'setup', 'API'])).toEqual(['setup', 'api', 'setup-2', 'api-2']);
  });

  it('never hands out a suffixed slug that another id already has', () => {
    expect(uniqueSlugs(['a', 'a', 'a-2'])).toEqual(['a', 'a-3', 'a-2']);
  });

  it('keeps suffixed slugs within maxLength', () => {
    const long = 'x'.repeat(40);
    const slugs = uniqueSlugs([long, long, long]);
    expect(new Set(slugs).size).toBe(3);
    for (const slug of slugs) expect(slug.length).toBeLessThanOrEqual(40);
  });
});

describe('branch names', () => {
  it('puts the feature under aidp/ and each unit under its feature', () => {
    expect(featureBranch('login')).toBe('aidp/login/feature');
    expect(unitBranch('login', 'api')).toBe('aidp/login/api');
  });

  it('refuses a slug that slugify would not produce', () => {
    let failure: unknown;
    try {
      unitBranch('login', '../x');
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('UnsafeName');
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('tells safe slugs from unsafe ones', () => {
    expect(isSafeSlug('a-1')).toBe(true);
    for (const bad of ['', '-a', 'a-', 'a--b', 'A', 'a/b', 'a.b', '..']) expect(isSafeSlug(bad)).toBe(false);
  });
});
