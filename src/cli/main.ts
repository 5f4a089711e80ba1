import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config-error.js';
import { InputError } from '../domain/input-error.js';
import { innermostMessage } from '../domain/innermost-message.js';

type Registrar = (program: Command) => void;

/** Each command group's module, imported only when the program needs it. */
const COMMAND_GROUPS: Record<string, () => Promise<Registrar>> = {
  serve: async () => (await import('./commands/serve.js')).registerServeCommands,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  exec: async () => (await import('./commands/exec.js')).registerExecCommand,
  control: async () => (await import('./commands/control.js')).registerControlCommands,
  'git-credential': async () => (await import('./commands/git-credential.js')).registerGitCredentialCommand,
};

/** Which group defines each command: `aidp <command> ...` loads that group alone. */
const GROUP_OF: Record<string, keyof typeof COMMAND_GROUPS> = {
  start: 'serve',
  server: 'serve',
  worker: 'serve',
  temporal: 'serve',
  run: 'run',
  exec: 'exec',
  status: 'control',
  pause: 'control',
  resume: 'control',
  cancel: 'control',
  retry: 'control',
  concurrency: 'control',
  'git-credential': 'git-credential',
};

/**
 * The program with the command `argv` names, or with every command (help, version, an unknown
 * command). The commands are imported here, not with this module: git runs `aidp git-credential`
 * once per fetch and push, and that command alone starts in about a quarter of the time of all of
 * them (the Temporal client and worker, the webhook server); `aidp status` and the other control
 * commands skip the worker's modules too.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('aidp')
    .description('Issues in, pull requests out: parallel AI coding agents in git worktrees, made durable by Temporal.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nConfiguration comes from the environment (see README: APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, AIDP_ENGINE,\n' +
        'TEMPORAL_ADDRESS, AIDP_WORKDIR, ...) and from .github/aidp.yml on the repository\'s default branch.',
    );
  const named = argv[2] !== undefined ? GROUP_OF[argv[2]] : undefined;
  // In help's order: serve, run, exec, control, git-credential.
  const groups = named ? [named] : Object.keys(COMMAND_GROUPS);
  const registrars = await Promise.all(groups.map((group) => COMMAND_GROUPS[group]!()));
  for (const register of registrars) register(program);
  return program;
}

/** Runs the CLI; every failure is one line on stderr and an exit code (2: bad input or config). */
export async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof Error && err.name === 'SandboxUnavailableError') {
      // The fix takes several lines: all of them.
      process.stderr.write(`aidp: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message = innermostMessage(err);
    process.stderr.write(`aidp: ${message.split('\n')[0]}\n`);
    process.exitCode = err instanceof ConfigError || err instanceof InputError ? 2 : 1;
  }
}
