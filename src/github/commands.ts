import { sanitizeUserText } from '../domain/sanitize.js';

/** Commands that take no argument. */
export const SIMPLE_COMMANDS = ['plan', 'build', 'review', 'fix-ci', 'status', 'pause', 'resume', 'cancel', 'help'] as const;
export type SimpleCommandKind = (typeof SIMPLE_COMMANDS)[number];

export const MIN_CONCURRENCY = 1;
export const MAX_CONCURRENCY = 100;

export type AidpCommand =
  | { kind: SimpleCommandKind }
  | { kind: 'retry'; /** Empty: every failed unit. */ units: string[] }
  | { kind: 'concurrency'; concurrency: number }
  | { kind: 'change'; instruction: string }
  /** Not a command aidp knows, or one with bad arguments: `problem` says which. */
  | { kind: 'unknown'; text: string; problem?: string };

export type AidpCommandKind = AidpCommand['kind'];

export const HELP_TEXT = [
  '**aidp commands** (people with write access; one command per comment, on its own line):',
  '',
  '| command | what it does |',
  '|---|---|',
  '| `/aidp plan` | proposes units and questions for this issue, in one plan comment |',
  '| `/aidp build` | builds this issue as a feature: parallel agents, then one pull request |',
  '| `/aidp review` | reviews this pull request and posts one review (never an approval) |',
  '| `/aidp fix-ci` | fixes the failing checks of this pull request and pushes the fix |',
  '| `/aidp change <what>` | makes the change you describe on this pull request\'s branch |',
  '| `/aidp status` | shows the run\'s progress: units done, running, failed |',
  '| `/aidp pause` | pauses the run: running agents finish, no new unit starts |',
  '| `/aidp resume` | resumes a paused run |',
  '| `/aidp cancel` | cancels the run and stops its agents |',
  '| `/aidp retry [unit...]` | runs failed, cancelled and conflicted units again, also after the build ended; merged units are kept |',
  `| \`/aidp concurrency N\` | runs up to N units at once (${MIN_CONCURRENCY}–${MAX_CONCURRENCY}) |`,
  '| `/aidp help` | shows this list |',
  '',
  'Status, pause, resume, cancel, retry and concurrency work on the issue and on the pull request its build opened.',
].join('\n');

const KEYWORD = /^ {0,3}\/aidp(?=\s|$)/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const QUOTE = /^ {0,3}>/;
const UNIT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MAX_UNITS = 100;

/**
 * The first `/aidp` command in a comment, or undefined when there is none. The text is
 * sanitized first (hidden HTML comments and invisible characters removed), and lines inside
 * code fences or `>` quotes are skipped, as are lines indented four spaces or more (Markdown
 * code). Only the first command line counts; for `change`, the lines after it belong to the
 * instruction.
 */
export function parseCommand(body: string): AidpCommand | undefined {
  const lines = sanitizeUserText(body).split('\n');
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const marker = FENCE.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    if (QUOTE.test(line)) continue;
    const keyword = KEYWORD.exec(line);
    if (!keyword) continue;
    const rest = line.slice(keyword[0].length).trim();
    return parseArguments(rest, lines.slice(i + 1).join('\n'));
  }
  return undefined;
}

function parseArguments(rest: string, following: string): AidpCommand {
  const text = `/aidp ${rest}`.trim();
  if (rest === '') return { kind: 'help' };
  const [word = '', ...args] = rest.split(/\s+/);
  const name = word.toLowerCase();
  if ((SIMPLE_COMMANDS as readonly string[]).includes(name)) {
    if (args.length > 0) return { kind: 'unknown', text, problem: `\`/aidp ${name}\` takes no arguments` };
    return { kind: name as SimpleCommandKind };
  }
  if (name === 'retry') return parseRetry(text, args);
  if (name === 'concurrency') return parseConcurrency(text, args);
  if (name === 'change') {
    const instruction = `${rest.slice(word.length).trim()}\n${following}`.trim();
    if (instruction === '') return { kind: 'unknown', text, problem: '`/aidp change` needs a description of the change' };
    return { kind: 'change', instruction };
  }
  return { kind: 'unknown', text };
}

function parseRetry(text: string, args: string[]): AidpCommand {
  const units = args.flatMap((arg) => arg.split(',')).filter((unit) => unit !== '');
  const bad = units.find((unit) => !UNIT_ID.test(unit));
  if (bad !== undefined) return { kind: 'unknown', text, problem: `\`${bad.slice(0, 100)}\` is not a unit id` };
  if (units.length > MAX_UNITS) return { kind: 'unknown', text, problem: `at most ${MAX_UNITS} units at once` };
  return { kind: 'retry', units: [...new Set(units)] };
}

function parseConcurrency(text: string, args: string[]): AidpCommand {
  const [value = '', ...extra] = args;
  const concurrency = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (extra.length > 0 || !(concurrency >= MIN_CONCURRENCY && concurrency <= MAX_CONCURRENCY)) {
    return { kind: 'unknown', text, problem: `\`/aidp concurrency\` needs a whole number from ${MIN_CONCURRENCY} to ${MAX_CONCURRENCY}` };
  }
  return { kind: 'concurrency', concurrency };
}
