import { z } from 'zod';

/**
 * Bad configuration found at start-up. The message is one line naming every bad field and
 * what it allows, e.g. `Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")`.
 * Thrown inside an activity, its name `ConfigError` is the Temporal failure type.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(configErrorMessage(source, problems));
  }
}

export function configErrorMessage(source: string, problems: readonly string[]): string {
  return `Invalid ${source}: ${problems.map((p) => p.replace(/\s*\r?\n\s*/g, ' ')).join('; ')}`;
}

/** The one-line message for every issue of a zod error; see {@link describeZodIssues}. */
export function formatZodIssues(source: string, error: z.ZodError, input?: unknown, schema?: z.ZodType): string {
  return configErrorMessage(source, describeZodIssues(error, input, schema));
}

/**
 * One sentence per problem: `<field path> <what is allowed> (got <value>)`. `input` supplies
 * the offending values (leave secrets out of it); `schema` lets number fields name their whole
 * range and unknown keys list the allowed ones.
 */
export function describeZodIssues(error: z.ZodError, input?: unknown, schema?: z.ZodType): string[] {
  return error.issues.flatMap((issue): string[] => {
    if (issue.code === 'unrecognized_keys') {
      const allowed = objectKeys(schemaAt(schema, issue.path));
      const hint = allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
      return issue.keys.map((key) => `${pathText([...issue.path, key])} is not a known setting${hint}`);
    }
    if (issue.code === 'invalid_key') {
      // A record's key (a check's name): the path ends at the bad key itself.
      return [`${pathText(issue.path)} is not a valid name: ${issue.issues.map((i) => i.message).join('; ')}`];
    }
    const value = valueAt(input, issue.path);
    if (issue.code === 'invalid_type' && value === undefined && input !== undefined) {
      return [`${pathText(issue.path)} is required`];
    }
    const got = value === undefined ? '' : ` (got ${show(value)})`;
    const text = rule(issue, schemaAt(schema, issue.path));
    // A custom message not phrased as a rule ("must ...", "is ...") reads better after a colon.
    const joiner = RULE_START.test(text) ? ' ' : ': ';
    return [`${pathText(issue.path)}${joiner}${text}${got}`];
  });
}

const RULE_START = /^(must|is|are|needs|cannot|has)\b/;

function rule(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): string {
  // A refinement's message, or one the schema gave as a rule (`{ error: 'must be true or false' }`).
  if (issue.code === 'custom' || RULE_START.test(issue.message)) return issue.message;
  if (schema instanceof z.ZodNumber && ['invalid_type', 'too_small', 'too_big'].includes(issue.code)) {
    return `must be ${numberRule(schema)}`;
  }
  switch (issue.code) {
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${String(issue.values[0])}`
        : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      return `must be ${TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`}`;
    case 'too_small':
      return sizeRule(issue.origin, 'at least', issue.minimum, issue.inclusive);
    case 'too_big':
      return sizeRule(issue.origin, 'at most', issue.maximum, issue.inclusive);
    default:
      return issue.message;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

function sizeRule(origin: string, side: string, limit: number | bigint, inclusive = true): string {
  if (origin === 'string' && side === 'at least' && Number(limit) === 1) return 'must not be empty';
  if (origin === 'string') return `must be ${side} ${limit} characters long`;
  if (origin === 'array') return `must have ${side} ${limit} ${Number(limit) === 1 ? 'entry' : 'entries'}`;
  const strict = side === 'at least' ? 'greater than' : 'less than';
  return `must be ${inclusive ? side : strict} ${limit}`;
}

/** "an integer between 1 and 100": the whole range, whichever bound was broken. */
function numberRule(schema: z.ZodNumber): string {
  const kind = schema.isInt ? 'an integer' : 'a number';
  const lo = bound(schema, schema.minValue, 1);
  const hi = bound(schema, schema.maxValue, -1);
  if (lo?.inclusive && hi?.inclusive) return `${kind} between ${lo.value} and ${hi.value}`;
  if (schema.isInt && lo?.value === 1 && !hi) return 'a positive integer';
  const parts: string[] = [];
  if (lo) parts.push(`${lo.inclusive ? 'at least' : 'greater than'} ${lo.value}`);
  if (hi) parts.push(`${hi.inclusive ? 'at most' : 'less than'} ${hi.value}`);
  return parts.length > 0 ? `${kind} ${parts.join(' and ')}` : kind;
}

/** zod reports `positive()` as minValue 0: probing the schema tells inclusive from exclusive. */
function bound(schema: z.ZodNumber, value: number | null, step: number) {
  if (value === null || !Number.isFinite(value) || Math.abs(value) >= Number.MAX_SAFE_INTEGER) return undefined;
  if (schema.safeParse(value).success) return { value, inclusive: true };
  return schema.isInt ? { value: value + step, inclusive: true } : { value, inclusive: false };
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodPrefault) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      s = (s.out instanceof z.ZodTransform ? s.in : s.out) as z.ZodType;
    } else {
      return s;
    }
  }
}

function schemaAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s = unwrap(schema);
  for (const key of path) {
    if (s instanceof z.ZodObject) s = unwrap((s.shape as Record<string, z.ZodType>)[String(key)]);
    else if (s instanceof z.ZodArray) s = unwrap(s.element as z.ZodType);
    else if (s instanceof z.ZodRecord) s = unwrap(s.valueType as z.ZodType);
    else return undefined;
  }
  return s;
}

function objectKeys(schema: z.ZodType | undefined): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || 'top level';
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
