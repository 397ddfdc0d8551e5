/**
 * Room on the disk that holds the case, checked before an input is stored, and the reason given
 * when the disk fills anyway. An examiner's laptop is often nearly full: a 20 GB folder should fail
 * file by file with "needs X, Y free" at once, not after storing most of each file and then with
 * SQLite's "database or disk is full" read as "cannot read".
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from '../store/database';

/**
 * Headroom kept on top of an input's size: each page's cipher reserve (80 bytes of 16 KiB, 0.5 %),
 * a storing transaction's pages (up to eight 1 MiB chunks) and a little for its rollback journal.
 */
const RESERVE_FRACTION = 0.01;
const TRANSACTION_BYTES = 8 * 1024 * 1024;
const JOURNAL_BYTES = 1024 * 1024;

/** Bytes the case can still grow into: free space on its disk plus its own free pages (reused first). */
export function roomForCase(db: Db, caseFile: string): number | null {
  let disk: number;
  try {
    const st = statfsSync(dirname(caseFile));
    disk = Number(st.bavail) * Number(st.bsize);
  } catch {
    // A file system that cannot tell: the store reports a full disk when it happens.
    return null;
  }
  const freePages = Number(db.pragma('freelist_count', { simple: true }) ?? 0);
  const pageSize = Number(db.pragma('page_size', { simple: true }) ?? 0);
  return disk + freePages * pageSize;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} MB`;
}

/**
 * Why an input of `bytes` cannot be stored in the case (not enough room), or null when it fits or
 * the room is unknown.
 */
export function storageShortfall(db: Db, caseFile: string, bytes: number): string | null {
  const room = roomForCase(db, caseFile);
  const need = Math.ceil(bytes * (1 + RESERVE_FRACTION)) + Math.min(bytes, TRANSACTION_BYTES) + JOURNAL_BYTES;
  if (room === null || room >= need) return null;
  return (
    `not enough free disk space to store it as evidence: it needs ${megabytes(need)}, ` +
    `${megabytes(room)} free for the case (${dirname(caseFile)}); free space and import it again`
  );
}

/** Whether `err` is the store (or the file system) running out of space. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

/**
 * The reason for an input the full disk stopped, with what is left: the transaction in progress
 * rolled back, so a re-run after freeing space continues from the committed batches.
 */
export function diskFullReason(db: Db, caseFile: string, while_: 'storing' | 'parsing'): string {
  const room = roomForCase(db, caseFile);
  const left = room === null ? '' : ` (${megabytes(room)} free)`;
  return (
    `the disk holding the case is full${left} while ${while_} it; ` +
    `free space and import it again: what was committed stays and the rest is imported then`
  );
}
