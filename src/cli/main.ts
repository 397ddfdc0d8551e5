/** The `mailtrail` command line: builds the commander program and runs one invocation. */
import { Command, CommanderError } from 'commander';
import { MAILTRAIL_VERSION } from '../shared/version';
import { registerCase } from './commands/case';
import { registerVerify } from './commands/verify';
import { EXIT } from './exit-codes';
import { createRunner, processIo, type CliIo } from './runtime';

/** Builds the program for one invocation. */
export function buildProgram(io: CliIo): { program: Command; exitCode: () => number } {
  const run = createRunner(io);
  const program = new Command('mailtrail')
    .description('Mailtrail: offline BEC investigation workbench for Microsoft 365')
    .version(MAILTRAIL_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // One line, same prefix as every other error.
      outputError: (s, write) => write(`mailtrail: ${s.replace(/^error: /, '').trimEnd()} (see --help)\n`),
    });
  registerCase(program, io, run);
  registerVerify(program, io, run);
  return { program, exitCode: () => run.exitCode };
}

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const { program, exitCode } = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      if (err.code === 'commander.executeSubCommandAsync') return EXIT.ERROR;
      return EXIT.USAGE;
    }
    throw err;
  }
  if (program.args.length === 0 && argv.length === 0) {
    program.outputHelp();
    return EXIT.USAGE;
  }
  return exitCode();
}
