import { openCase, type CaseSession } from '../core/case/case-file';
import { readPassphrase } from './passphrase';
import type { CliIo, CommonOptions } from './runtime';

/** Opens a case for one command (passphrase from env or prompt), runs `fn`, always closes. */
export async function withCase<T>(
  io: CliIo,
  file: string,
  opts: CommonOptions & { readOnly?: boolean },
  fn: (session: CaseSession) => Promise<T> | T,
): Promise<T> {
  const passphrase = await readPassphrase(io, file);
  const session = openCase({
    file,
    passphrase,
    examiner: opts.examiner ?? io.env['MAILTRAIL_EXAMINER'],
    readOnly: opts.readOnly ?? false,
  });
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}
