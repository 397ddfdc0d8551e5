/**
 * A consistent view of a case while it is copied: a read transaction holds SQLite's SHARED lock,
 * so no writer (this process or another) can commit until it ends. In rollback-journal mode the
 * main file then holds exactly the last committed state: no open transaction is copied and no
 * `-journal` is needed beside the copy.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Db } from '../store/database';
import { countRows } from '../store/custody-repo';

/**
 * Runs `fn` inside a read transaction on `db`. Writers elsewhere wait (up to their busy timeout)
 * until it ends, so keep `fn` to the copy and what must match it.
 */
export async function withReadSnapshot<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  if (db.inTransaction) throw new Error('cannot take a snapshot inside an open transaction');
  db.exec('BEGIN DEFERRED');
  try {
    // The first read acquires the SHARED lock that freezes the file until COMMIT.
    countRows(db);
    return await fn();
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
  }
}

/** Streams the case file's bytes (call inside {@link withReadSnapshot}). */
export function caseFileStream(file: string): { stream: Readable; bytes: number } {
  const bytes = statSync(file).size;
  return { stream: createReadStream(file, { highWaterMark: 1024 * 1024 }), bytes };
}
