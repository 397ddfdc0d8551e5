/**
 * Opening the encrypted case file. The file is SQLCipher-4 compatible
 * (better-sqlite3-multiple-ciphers with `cipher='sqlcipher'`, `legacy=4`), so a stock SQLCipher 4
 * can open it with the passphrase.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { MailtrailError } from '../../shared/errors';

/** A connection to an open case file. */
export type Db = Database.Database;

/** `PRAGMA application_id` of every Mailtrail case ("MTRL"), so another SQLCipher file is refused. */
export const APPLICATION_ID = 0x4d54524c;

/** Options for {@link openEncrypted}. */
export interface OpenDbOptions {
  /** Create the file (it must not exist). */
  create?: boolean;
  /** Open read-only: nothing is written, not even migrations. */
  readOnly?: boolean;
}

function applyCipher(db: Db, passphrase: string): void {
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.key(Buffer.from(passphrase, 'utf8'));
}

function applyConnectionPragmas(db: Db, readOnly: boolean): void {
  // Rollback journal: bulk encrypted inserts run ~1.7x faster than in WAL here, rekey needs it,
  // and a closed case stays one file.
  if (!readOnly) db.pragma('journal_mode=DELETE');
  db.pragma('synchronous=FULL');
  db.pragma('foreign_keys=ON');
  db.pragma('temp_store=MEMORY');
  // 16 MiB page cache: enough for indexed queries; bulk import raises it for its batches.
  db.pragma('cache_size=-16384');
  db.pragma('busy_timeout=10000');
}

/**
 * Opens (or creates) an encrypted database and proves the passphrase by reading the schema.
 * A wrong passphrase, or a file that is not an encrypted Mailtrail case, throws `WRONG_PASSPHRASE`
 * before anything is written.
 */
export function openEncrypted(file: string, passphrase: string, options: OpenDbOptions = {}): Db {
  const { create = false, readOnly = false } = options;
  if (!create && !existsSync(file)) {
    throw new MailtrailError('NOT_FOUND', `case file not found: ${file}`);
  }
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: !create, readonly: readOnly && !create });
  } catch (err) {
    throw new MailtrailError('INVALID_INPUT', `cannot open ${file}: ${(err as Error).message}`);
  }
  try {
    applyCipher(db, passphrase);
    if (create) {
      db.pragma('journal_mode=DELETE');
      db.pragma(`application_id=${APPLICATION_ID}`);
    } else {
      const appId = db.pragma('application_id', { simple: true });
      if (appId !== APPLICATION_ID) throw new MailtrailError('WRONG_PASSPHRASE', '');
    }
    applyConnectionPragmas(db, readOnly && !create);
    return db;
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code;
    if (err instanceof MailtrailError || code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      if (err instanceof MailtrailError && err.code !== 'WRONG_PASSPHRASE') throw err;
      throw new MailtrailError('WRONG_PASSPHRASE', `wrong passphrase or not a Mailtrail case: ${file}`);
    }
    throw err;
  }
}

/** Changes the passphrase of an open database in place. */
export function rekeyDatabase(db: Db, newPassphrase: string): void {
  // SQLite3 Multiple Ciphers refuses rekey in WAL mode; the case is always in rollback-journal mode.
  const mode = db.pragma('journal_mode', { simple: true });
  if (mode !== 'delete') db.pragma('journal_mode=DELETE');
  db.rekey(Buffer.from(newPassphrase, 'utf8'));
}

/** Runs `fn` in an IMMEDIATE transaction (takes the write lock up front, so concurrent writers queue). */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
