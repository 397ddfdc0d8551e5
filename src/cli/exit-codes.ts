import type { ErrorCode } from '../shared/errors';

/** Process exit statuses of every `mailtrail` command. */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  VERIFY_FAILED: 3,
  WRONG_PASSPHRASE: 4,
} as const;

/** Maps a core error code to an exit status. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'WRONG_PASSPHRASE':
      return EXIT.WRONG_PASSPHRASE;
    case 'VERIFY_FAILED':
      return EXIT.VERIFY_FAILED;
    case 'USAGE':
      return EXIT.USAGE;
    default:
      return EXIT.ERROR;
  }
}
