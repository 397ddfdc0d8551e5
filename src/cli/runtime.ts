/**
 * CLI conventions shared by every command: `--json` prints exactly one object on stdout; errors
 * are one clear line on stderr (stack traces only with `--debug`); exit statuses per
 * {@link EXIT}.
 */
import type { Command } from 'commander';
import { MailtrailError, toErrorPayload } from '../shared/errors';
import { EXIT, exitCodeFor } from './exit-codes';

/** Options every command accepts. */
export interface CommonOptions {
  json?: boolean;
  debug?: boolean;
  examiner?: string;
}

/** What a command hands back for printing. */
export interface CommandResult {
  /** The machine-readable object printed with `--json`. */
  json: unknown;
  /** Lines printed without `--json`. */
  human: string[];
  /** Exit status (default 0). */
  exitCode?: number;
  /** A one-line message for stderr (used with a non-zero exit code). */
  error?: string;
}

/** The streams a command writes to (injectable for tests). */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: NodeJS.ProcessEnv;
}

/** The process's real streams. */
export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

/** Adds `--json` and `--debug` to a command. */
export function withCommonOptions(cmd: Command): Command {
  return cmd.option('--json', 'print one machine-readable JSON object').option('--debug', 'print stack traces on errors');
}

/** Prints a command's result and returns its exit status. */
export function printResult(io: CliIo, opts: CommonOptions, result: CommandResult): number {
  if (opts.json) io.stdout.write(`${JSON.stringify(result.json)}\n`);
  else if (result.human.length > 0) io.stdout.write(`${result.human.join('\n')}\n`);
  if (result.error) io.stderr.write(`mailtrail: ${result.error}\n`);
  return result.exitCode ?? EXIT.OK;
}

/** Prints an error the mailtrail way and returns the exit status. */
export function printError(io: CliIo, opts: CommonOptions, err: unknown): number {
  const payload = toErrorPayload(err);
  const line = payload.message.split('\n')[0] ?? payload.message;
  if (opts.json) io.stdout.write(`${JSON.stringify({ error: payload })}\n`);
  io.stderr.write(`mailtrail: ${line}\n`);
  if (opts.debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return err instanceof MailtrailError ? exitCodeFor(err.code) : EXIT.ERROR;
}

/** Thrown by a command to report a usage problem (exit 2). */
export function usageError(message: string): MailtrailError {
  return new MailtrailError('USAGE', message);
}

/** Wraps command actions: prints their result or error and remembers the exit status. */
export interface Runner {
  <A extends unknown[]>(action: (...args: A) => Promise<CommandResult>): (...args: A) => Promise<void>;
  /** Exit status of the last action run. */
  readonly exitCode: number;
}

/** Creates the {@link Runner} for one CLI invocation. */
export function createRunner(io: CliIo): Runner {
  let exitCode: number = EXIT.OK;
  const runner =
    <A extends unknown[]>(action: (...args: A) => Promise<CommandResult>) =>
    async (...args: A): Promise<void> => {
      // commander passes (...positionals, options, command): the options object is second to last.
      const opts = (args.length >= 2 ? args[args.length - 2] : {}) as CommonOptions;
      try {
        exitCode = printResult(io, opts, await action(...args));
      } catch (err) {
        exitCode = printError(io, opts, err);
      }
    };
  Object.defineProperty(runner, 'exitCode', { get: () => exitCode });
  return runner as Runner;
}
