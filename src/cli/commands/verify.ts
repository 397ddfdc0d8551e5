/** `mailtrail verify FILE`: recompute the journal chain and every evidence hash. */
import type { Command } from 'commander';
import { verifyAndRecord } from '../../core/custody/record-verification';
import type { VerifyResult } from '../../shared/model/custody';
import { EXIT } from '../exit-codes';
import { withCase } from '../open-case';
import { withCommonOptions, type CliIo, type CommandResult, type CommonOptions, type Runner } from '../runtime';

/** Turns a verification result into CLI output (exit 3 naming the first problem on failure). */
export function verifyOutput(file: string, result: VerifyResult): CommandResult {
  if (result.ok) {
    return {
      json: result,
      human: [
        'ok',
        `entries ${result.entries}`,
        `head ${result.head}`,
        `evidence ${result.evidenceItems} items, ${result.evidenceBytes} bytes re-hashed`,
      ],
    };
  }
  return {
    json: result,
    human: [
      'FAILED',
      ...result.problems.map((p) => `  ${p.reason}`),
      `verified entries ${result.entries}`,
      `last good head ${result.head}`,
    ],
    exitCode: EXIT.VERIFY_FAILED,
    error: `verification failed: ${file}: ${result.problems[0]?.reason ?? 'unknown problem'}`,
  };
}

/** Registers `verify`. */
export function registerVerify(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('verify')
      .description('verify a case: journal hash chain and every evidence hash (exit 3 on failure)')
      .argument('<file>', 'case file')
      .option('--read-only', 'do not journal the verification')
      .option('--examiner <name>', 'examiner performing the verification'),
  ).action(
    run(async (file: string, opts: CommonOptions & { readOnly?: boolean }) =>
      withCase(io, file, { ...opts, readOnly: opts.readOnly ?? false }, (session) => verifyOutput(file, verifyAndRecord(session))),
    ),
  );
}
