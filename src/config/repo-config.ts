import { z } from 'zod';
import { allowEntryProblem } from '../domain/host-names.js';
import { DEFAULT_LABELS, PLAN_STATE_LABELS } from '../domain/labels.js';

/** The agent CLIs aidp knows how to drive; `command` runs any other command line. */
export const AGENT_PRESETS = [
  'claude',
  'codex',
  'gemini',
  'aider',
  'opencode',
  'cursor-agent',
  'copilot',
  'command',
] as const;
export type AgentPreset = (typeof AGENT_PRESETS)[number];

export const agentProviderSchema = z
  .object({
    preset: z.enum(AGENT_PRESETS),
    /** Required for `command`: the command line to run (split into words, never given to a shell). */
    command: z.string().min(1).optional(),
    /** Extra arguments appended to a preset's command line. */
    args: z.array(z.string()).default([]),
  })
  .strict()
  .refine((p) => p.preset !== 'command' || p.command !== undefined, {
    message: 'is required when preset is "command"',
    path: ['command'],
  });
export type AgentProvider = z.output<typeof agentProviderSchema>;

/** Names a check: it starts with a letter, so the order written is the order kept. */
const CHECK_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

export const checkSchema = z
  .object({
    /** Run by `sh -c` in the worktree: it comes from the repository's own config, not from issue text. */
    command: z.string().min(1),
    timeout_seconds: z.number().int().positive().max(24 * 3600).default(600),
    required: z.boolean().default(true),
  })
  .strict();
export type CheckConfig = z.output<typeof checkSchema>;

/** One host a sandbox may reach: `api.example.com`, `*.example.com` (its subdomains) or `*` (any). */
const allowEntrySchema = z
  .string()
  .trim()
  .toLowerCase()
  .superRefine((entry, ctx) => {
    const problem = allowEntryProblem(entry);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const allowListSchema = z.array(allowEntrySchema).max(500);

export const sandboxSchema = z
  .object({
    network: z
      .object({
        /** Hosts agents may reach; absent: what the configured presets need (src/sandbox/network-defaults.ts). */
        allow: allowListSchema.optional(),
        /** Hosts checks (which run agent-written code) may reach; none by default. */
        checks_allow: allowListSchema.default([]),
        /** Hosts the setup commands (on the untouched base, before any agent) may reach: a package registry. None by default. */
        setup_allow: allowListSchema.optional(),
      })
      .strict()
      .default({ checks_allow: [] }),
  })
  .strict()
  .default({ network: { checks_allow: [] } });
export type SandboxConfig = z.output<typeof sandboxSchema>;

/** A path inside the worktree: relative, no `..`, not git's own, not the worktree itself. */
const worktreeRelativePath = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .superRefine((path, ctx) => {
    const parts = path.replace(/\/+$/, '').split('/');
    if (path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..') || parts[0] === '.git') {
      ctx.addIssue({ code: 'custom', message: 'must be a path inside the repository, like "node_modules" or "vendor/bundle" (no "..", not absolute, not .git)' });
    }
  })
  .transform((path) => path.replace(/\/+$/, ''));

export const setupCommandSchema = z.union([
  z.string().min(1).transform((command) => ({ command, timeout_seconds: 900 })),
  z
    .object({
      /** Run by `sh -c` in a fresh worktree of the untouched base, in the sandbox, before any agent. */
      command: z.string().min(1),
      timeout_seconds: z.number().int().positive().max(24 * 3600).default(900),
    })
    .strict(),
]);

const setupObjectSchema = z
  .object({
    commands: z.array(setupCommandSchema).min(1).max(20),
    /**
     * The commands' output, kept per host and reused while the key files are unchanged: on a hit
     * the paths are copied into the new worktree and the commands are skipped.
     */
    cache: z
      .object({
        /** Files whose contents key the cache (lockfiles); a missing file counts as missing. */
        key_files: z.array(worktreeRelativePath).min(1).max(20),
        /** What the commands produce that units need (never committed by aidp). */
        paths: z.array(worktreeRelativePath).min(1).max(20),
      })
      .strict()
      .optional(),
  })
  .strict();

/** `setup: [npm ci]` or `setup: { commands: [...], cache: { key_files: [...], paths: [...] } }`. */
export const setupSchema = z.union([
  z
    .array(setupCommandSchema)
    .min(1)
    .max(20)
    .transform((commands) => ({ commands, cache: undefined })),
  setupObjectSchema,
]);
export type SetupConfig = z.output<typeof setupSchema>;

export const repoConfigSchema = z
  .object({
    agents: z
      .object({
        /** Tried in order: the next one runs when one fails or is rate limited. */
        providers: z.array(agentProviderSchema).min(1).default([{ preset: 'claude', args: [] }]),
        timeout_seconds: z.number().int().positive().max(24 * 3600).default(1800),
      })
      .strict()
      .default({ providers: [{ preset: 'claude', args: [] }], timeout_seconds: 1800 }),
    /** Any names the repository uses (`build`, `vet`, `typecheck`, `test`…), run in the order written. */
    checks: z
      .record(
        z.string().regex(CHECK_NAME, 'a check name is a letter followed by letters, digits, "-" or "_" (at most 40)'),
        checkSchema,
      )
      .default({}),
    /** Commands run once in each fresh worktree before its first agent iteration (`npm ci`). */
    setup: setupSchema.optional(),
    /** How many units run at once in one feature. */
    concurrency: z.number().int().min(1).max(100).default(4),
    /** Agent → checks iterations per unit before it fails. */
    max_iterations: z.number().int().min(1).max(50).default(5),
    merge: z
      .object({ threshold: z.number().min(0).max(1).default(0.8) })
      .strict()
      .default({ threshold: 0.8 }),
    /**
     * When aidp deletes the unit branches (`aidp/<feature>/<unit>`) of a feature PR: `on_close`
     * when it is merged or closed, `on_merge` only when it is merged, `never`.
     */
    cleanup: z
      .object({ delete_unit_branches: z.enum(['on_close', 'on_merge', 'never']).default('on_close') })
      .strict()
      .default({ delete_unit_branches: 'on_close' }),
    ci_fix: z
      .object({ max_attempts: z.number().int().min(0).max(20).default(3) })
      .strict()
      .default({ max_attempts: 3 }),
    labels: z
      .object({
        plan: z.string().min(1).default(DEFAULT_LABELS.plan),
        build: z.string().min(1).default(DEFAULT_LABELS.build),
        review: z.string().min(1).default(DEFAULT_LABELS.review),
        fix_ci: z.string().min(1).default(DEFAULT_LABELS.fixCi),
        request_changes: z.string().min(1).default(DEFAULT_LABELS.requestChanges),
        needs_input: z.string().min(1).default(PLAN_STATE_LABELS.needsInput),
        ready: z.string().min(1).default(PLAN_STATE_LABELS.ready),
      })
      .strict()
      // prefault: an absent `labels` goes through the fields' defaults above.
      .prefault({}),
    /** Repository conventions handed to every agent prompt. */
    conventions: z.string().default(''),
    /** What the sandbox of every agent and check may reach. */
    sandbox: sandboxSchema,
  })
  .strict();

export type RepoConfig = z.output<typeof repoConfigSchema>;

export const DEFAULT_REPO_CONFIG: RepoConfig = repoConfigSchema.parse({});
