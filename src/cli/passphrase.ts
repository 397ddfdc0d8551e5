/**
 * Passphrases come from `MAILTRAIL_PASSPHRASE` (new ones for rekey from
 * `MAILTRAIL_NEW_PASSPHRASE`) or an interactive prompt that does not echo. They are never printed,
 * logged or written anywhere.
 */
import { MailtrailError } from '../shared/errors';
import type { CliIo } from './runtime';

/** Reads one line from a TTY without echoing it. */
export function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const { stdin, stderr } = io;
  if (!stdin.isTTY || !stdin.setRawMode) {
    return Promise.reject(new MailtrailError('USAGE', 'no passphrase: set MAILTRAIL_PASSPHRASE or run in a terminal'));
  }
  stderr.write(prompt);
  return new Promise((resolvePromise, reject) => {
    let value = '';
    const finish = (err?: Error): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolvePromise(value);
    };
    const onData = (data: Buffer | string): void => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new MailtrailError('CANCELLED', 'cancelled'));
        if (ch === '\u0004' && value === '') return finish(new MailtrailError('CANCELLED', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** The passphrase of an existing case. */
export async function readPassphrase(io: CliIo, file: string): Promise<string> {
  const fromEnv = io.env['MAILTRAIL_PASSPHRASE'];
  if (fromEnv) return fromEnv;
  return promptHidden(io, `Passphrase for ${file}: `);
}

/** A new passphrase, from `envVar` or asked twice. */
export async function readNewPassphrase(io: CliIo, envVar: string, what: string): Promise<string> {
  const fromEnv = io.env[envVar];
  if (fromEnv) return fromEnv;
  const first = await promptHidden(io, `${what}: `);
  if (!first) throw new MailtrailError('INVALID_INPUT', 'the passphrase is empty');
  const second = await promptHidden(io, `Repeat ${what.toLowerCase()}: `);
  if (first !== second) throw new MailtrailError('INVALID_INPUT', 'the passphrases do not match');
  return first;
}
