import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config-error.js';
import { SandboxUnavailableError } from '../sandbox/unavailable.js';
import { registerControlCommands } from './commands/control.js';
import { registerExecCommand } from './commands/exec.js';
import { registerGitCredentialCommand } from './commands/git-credential.js';
import { registerRunCommand } from './commands/run.js';
import { registerServeCommands } from './commands/serve.js';
import { InputError } from '../domain/input-error.js';
import { innermostMessage } from '../domain/innermost-message.js';

export function buildProgram(): Command {
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
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof SandboxUnavailableError) {
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
