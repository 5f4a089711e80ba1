import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config-error.js';
import { InputError } from '../domain/input-error.js';
import { innermostMessage } from '../domain/innermost-message.js';

/**
 * The commands are imported when the program is built, not with this module: git runs
 * `aidp git-credential` once per fetch and push, and that command alone loads in about a third of
 * the time of all of them (the Temporal client and worker, the webhook server).
 */
export async function buildProgram(only?: 'git-credential'): Promise<Command> {
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
  const { registerGitCredentialCommand } = await import('./commands/git-credential.js');
  if (only === 'git-credential') {
    registerGitCredentialCommand(program);
    return program;
  }
  const [{ registerServeCommands }, { registerRunCommand }, { registerExecCommand }, { registerControlCommands }] = await Promise.all([
    import('./commands/serve.js'),
    import('./commands/run.js'),
    import('./commands/exec.js'),
    import('./commands/control.js'),
  ]);
  registerServeCommands(program);
  registerRunCommand(program);
  registerExecCommand(program);
  registerControlCommands(program);
  registerGitCredentialCommand(program);
  return program;
}

/** Runs the CLI; every failure is one line on stderr and an exit code (2: bad input or config). */
export async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv[2] === 'git-credential' ? 'git-credential' : undefined)).parseAsync(argv);
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
