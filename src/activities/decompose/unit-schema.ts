import { z } from 'zod';
import type { UnitSpec } from '../../domain/unit.js';
import { uniqueSlugs } from '../../domain/slug.js';

const requiredString = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

/** Absent, empty (`description:`) and null all mean "not given". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null ? undefined : value), schema.optional());

const unitFields = {
  // YAML reads `id: 7` as a number; an id is text.
  id: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), requiredString('a string').trim().min(1, 'must not be empty')),
  title: requiredString('a string').trim().min(1, 'must not be empty'),
  description: optional(requiredString('a string')),
  depends_on: optional(
    z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(requiredString('a unit id'), { error: 'must be a list of unit ids' })),
  ),
};

/** A person's list: unknown fields (a misspelt `depends_on`) are errors. */
export const userUnitsSchema = z.array(z.strictObject(unitFields), { error: 'must be a list of units' });
/** An agent's list: extra fields are ignored. */
export const agentUnitsSchema = z.array(z.object(unitFields), { error: 'must be a list of units' });

export type UnitEntry = z.output<typeof userUnitsSchema>[number];

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), 'units');
}

/** `units[2].title is required`, one line per problem. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = pathText(issue.path);
    if (issue.code === 'unrecognized_keys') return `${where} has unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${where} ${issue.message}`;
  });
}

/** Unit specs in order; slugs from the ids, made unique. */
export function toUnitSpecs(entries: UnitEntry[]): UnitSpec[] {
  const slugs = uniqueSlugs(entries.map((e) => e.id));
  return entries.map((entry, i) => ({
    id: entry.id,
    slug: slugs[i] ?? '',
    title: entry.title,
    description: entry.description?.trim() ?? '',
    dependsOn: entry.depends_on ?? [],
  }));
}
