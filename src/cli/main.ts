/** The `mailtrail` command line: builds the commander program and runs one invocation. */
import { Command, CommanderError } from 'commander';
import { MAILTRAIL_VERSION } from '../shared/version';
import { registerCase } from './commands/case';
import { registerVerify } from './commands/verify';
import { registerImport, registerQuarantine } from './commands/import';
import { registerExport } from './commands/export';
import { registerKeygen } from './commands/keygen';
import { registerPackage } from './commands/package';
import { registerReport } from './commands/report';
import { registerCollect } from './commands/collect';
import { registerUi } from './commands/ui';
import { registerSearch } from './commands/search';
import { registerAnalyze } from './commands/analyze';
import { registerTag } from './commands/tag';
import { registerComment } from './commands/comment';
import { registerNote } from './commands/note';
import { registerSessions } from './commands/sessions';
import { registerEnrich } from './commands/enrich';
import { registerEmulator } from './commands/emulator';
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
  registerImport(program, io, run);
  registerQuarantine(program, io, run);
  registerPackage(program, io, run);
  registerReport(program, io, run);
  registerExport(program, io, run);
  registerKeygen(program, io, run);
  registerCollect(program, io, run);
  registerUi(program, io, run);
  registerSearch(program, io, run);
  registerAnalyze(program, io, run);
  registerTag(program, io, run);
  registerComment(program, io, run);
  registerNote(program, io, run);
  registerSessions(program, io, run);
  registerEnrich(program, io, run);
  registerEmulator(program, io, run);
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
