import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { featureBranchName, unitBranchName } from './branches.js';
import { UNSAFE_NAME } from './failure-types.js';

/** Letters NFKD does not decompose into ASCII. */
const TRANSLITERATIONS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ŋ: 'n',
};

const SAFE_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_SAFE_SLUG = 100;
const HASH_CHARS = 6;

/** Lowercase ASCII words joined by single dashes: safe as a ref component and a directory name. */
export function isSafeSlug(value: string): boolean {
  return value.length <= MAX_SAFE_SLUG && SAFE_SLUG.test(value);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_CHARS);
}

function asciiWords(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^ -~]/g, (ch) => TRANSLITERATIONS[ch] ?? ch)
    .replace(/\p{M}/gu, '')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function cut(base: string, length: number): string {
  return base.slice(0, length).replace(/-+$/, '');
}

/**
 * A safe name from any text. Lowercasing and spaces become a plain slug ("Add login" →
 * "add-login"); anything else that had to change (dropped characters, truncation, the
 * fallback) adds 6 hex of the original's sha256, so two different hostile inputs never collide.
 */
export function slugify(text: string, maxLength = 40): string {
  if (!Number.isInteger(maxLength) || maxLength < HASH_CHARS + 2) {
    throw new RangeError(`slugify: maxLength must be an integer of at least ${HASH_CHARS + 2} (got ${maxLength})`);
  }
  const natural = text.trim().toLowerCase().replace(/\s+/g, '-');
  const base = asciiWords(text) || 'unit';
  if (base === natural && base.length <= maxLength) return base;
  return `${cut(base, maxLength - HASH_CHARS - 1)}-${shortHash(text)}`;
}

/**
 * Unit slugs no unit may have: `feature` names the feature branch (`aidp/<feature>/feature`),
 * which sits beside the unit branches.
 */
export const RESERVED_UNIT_SLUGS: readonly string[] = ['feature'];

/** Slugs for ids, same order, all distinct: a repeated slug gets `-2`, `-3`…, and so does a reserved one. */
export function uniqueSlugs(ids: string[], maxLength = 40): string[] {
  const slugs = ids.map((id) => slugify(id, maxLength));
  const taken = new Set([...slugs, ...RESERVED_UNIT_SLUGS]);
  const seen = new Set<string>(RESERVED_UNIT_SLUGS);
  return slugs.map((slug) => {
    if (!seen.has(slug)) {
      seen.add(slug);
      return slug;
    }
    for (let n = 2; ; n++) {
      const suffix = `-${n}`;
      const candidate = `${cut(slug, maxLength - suffix.length)}${suffix}`;
      if (!taken.has(candidate)) {
        taken.add(candidate);
        seen.add(candidate);
        return candidate;
      }
    }
  });
}

function assertSlug(kind: string, slug: string): void {
  if (!isSafeSlug(slug)) {
    throw ApplicationFailure.nonRetryable(`${kind} ${JSON.stringify(slug)} is not a safe slug (use slugify)`, UNSAFE_NAME);
  }
}

/** `aidp/<featureSlug>/feature`; refuses anything slugify would not produce. */
export function featureBranch(featureSlug: string): string {
  assertSlug('feature slug', featureSlug);
  return featureBranchName(featureSlug);
}

/** `aidp/<featureSlug>/<unitSlug>`; refuses anything slugify would not produce, and the reserved `feature`. */
export function unitBranch(featureSlug: string, unitSlug: string): string {
  assertSlug('feature slug', featureSlug);
  assertSlug('unit slug', unitSlug);
  if (RESERVED_UNIT_SLUGS.includes(unitSlug)) {
    throw ApplicationFailure.nonRetryable(`unit slug ${JSON.stringify(unitSlug)} is reserved (it names the feature branch)`, UNSAFE_NAME);
  }
  return unitBranchName(featureSlug, unitSlug);
}
