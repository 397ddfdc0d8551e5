/** Runs the real `mailtrail` binary in a child process. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'mailtrail.js');

/** Result of one CLI run. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for `--json` runs). */
  json: () => Record<string, unknown>;
}

/** Runs `mailtrail ...args` with extra environment variables and no TTY. */
export function mailtrail(args: string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MAILTRAIL_PASSPHRASE: '', MAILTRAIL_NEW_PASSPHRASE: '', MAILTRAIL_ARCHIVE_PASSWORD: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  return {
    status: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    json: () => JSON.parse(r.stdout) as Record<string, unknown>,
  };
}
