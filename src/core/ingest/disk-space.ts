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
 * Headroom kept on top of what an input grows the case by: a storing transaction's pages (up to
 * eight 1 MiB chunks), and the rollback journal of a write transaction, which holds the old copy
 * of every page it changes: a batch of small inputs changes leaves of 14 event indexes, 16 KiB
 * each (measured: 190 KB JSON Lines inputs failed with 2.5 MB free with 1 MiB kept).
 */
const TRANSACTION_BYTES = 8 * 1024 * 1024;
const JOURNAL_BYTES = 16 * 1024 * 1024;

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
 * How much the case grows for each byte of input once imported: the stored file, the verbatim
 * records and their attributes, the event rows, their indexes and the full-text index. Measured:
 * 3.0× for the bench's Purview CSV (81 MB → 243 MB), 3.2× for JSON Lines of 1 KB records (28 MB →
 * 91 MB); reference data and duplicates take less.
 */
export const CASE_GROWTH_PER_INPUT_BYTE = 3.2;

/**
 * Why an input of `bytes` cannot be stored in the case (not enough room), or null when it fits or
 * the room is unknown. `reserved`: room already spoken for (an open group's pages not yet written).
 */
export function storageShortfall(db: Db, caseFile: string, bytes: number, reserved = 0): string | null {
  const disk = roomForCase(db, caseFile);
  if (disk === null) return null;
  const room = Math.max(0, disk - reserved);
  const need = Math.ceil(bytes * CASE_GROWTH_PER_INPUT_BYTE) + Math.min(bytes, TRANSACTION_BYTES) + JOURNAL_BYTES;
  if (room >= need) return null;
  return (
    `not enough free disk space to import it: storing it and its events takes about ${megabytes(need)} ` +
    `(≈ ${CASE_GROWTH_PER_INPUT_BYTE}× its size), ${megabytes(room)} are free for the case (${dirname(caseFile)}); ` +
    'free space and import it again'
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
