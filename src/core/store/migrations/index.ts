/**
 * Schema migrations in the Signal shape: an ordered list, `PRAGMA user_version` as the cursor,
 * every pending step in one transaction, and a file from a newer Mailtrail refused untouched.
 */
import { MailtrailError } from '../../../shared/errors';
import type { Db } from '../database';
import { m0001Foundation } from './0001-foundation';
import { m0002Events } from './0002-events';
import { m0003Ingest } from './0003-ingest';
import { m0004Collection } from './0004-collection';
import { m0005Analysis } from './0005-analysis';
import { m0006EventPayloads } from './0006-event-payloads';
import { m0007RecordHash } from './0007-record-hash';
import { m0008FtsHashsize } from './0008-fts-hashsize';
import { m0009CopyLoss } from './0009-copy-loss';
import { m0010CollectUpgraded } from './0010-collect-upgraded';
import type { Migration } from './types';

export type { Migration } from './types';

/** All migrations, in order. Versions must be 1..n without gaps (a test checks it). */
export const migrations: readonly Migration[] = [
  m0001Foundation,
  m0002Events,
  m0003Ingest,
  m0004Collection,
  m0005Analysis,
  m0006EventPayloads,
  m0007RecordHash,
  m0008FtsHashsize,
  m0009CopyLoss,
  m0010CollectUpgraded,
];

/** The schema version this build writes. */
export const LATEST_SCHEMA_VERSION = migrations.length;

/** Reads `PRAGMA user_version`. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Throws `FUTURE_SCHEMA` when the file was written by a newer Mailtrail. */
export function assertNotFromFuture(db: Db, file: string, list: readonly Migration[] = migrations): void {
  const current = schemaVersion(db);
  if (current > list.length) {
    throw new MailtrailError(
      'FUTURE_SCHEMA',
      `${file} was written by a newer Mailtrail (schema ${current}, this version understands up to ${list.length}); upgrade Mailtrail to open it`,
    );
  }
}

/**
 * Applies every pending migration in one transaction.
 * @returns the versions before and after.
 */
export function migrate(db: Db, file: string, list: readonly Migration[] = migrations): { from: number; to: number } {
  assertNotFromFuture(db, file, list);
  const from = schemaVersion(db);
  const pending = list.filter((m) => m.version > from);
  if (pending.length === 0) return { from, to: from };
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      db.pragma(`user_version=${m.version}`);
    }
  }).immediate();
  return { from, to: schemaVersion(db) };
}
