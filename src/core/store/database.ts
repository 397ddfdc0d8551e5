/**
 * Opening the encrypted case file. The file is SQLCipher-4 compatible
 * (better-sqlite3-multiple-ciphers with `cipher='sqlcipher'`, `legacy=4`) with 16 KiB pages, so a
 * stock SQLCipher 4 opens it with the passphrase and `PRAGMA cipher_page_size = 16384`.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
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
  /** Page size to create with, or the only one to try when opening (default {@link CASE_PAGE_SIZES}). */
  pageSize?: number;
}

/**
 * Page size of new cases. SQLCipher's default (4 KiB, 80 bytes of it IV and HMAC) holds one 1–3 KB
 * payload row per page and leaves the rest empty; 16 KiB pages pack them, which measured here cuts
 * the encrypted bytes of an import by a quarter and payload inserts from 14 to 8.5 µs per row.
 */
export const CASE_PAGE_SIZE = 16384;

/**
 * Page sizes a case may have, tried in this order when opening: the current one, then SQLCipher's
 * default that cases created before 16 KiB pages use. The page size is not readable before the key
 * is applied (the whole file is encrypted), so a 4 KiB case costs one more key derivation to open.
 */
export const CASE_PAGE_SIZES = [CASE_PAGE_SIZE, 4096] as const;

function applyCipher(db: Db, passphrase: string, pageSize: number): void {
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`legacy_page_size=${pageSize}`);
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
 * before anything is written. New files get {@link CASE_PAGE_SIZE}; an existing file is opened with
 * each page size it can have ({@link CASE_PAGE_SIZES}) until one proves the key.
 */
export function openEncrypted(file: string, passphrase: string, options: OpenDbOptions = {}): Db {
  const { create = false, readOnly = false } = options;
  if (!create && !existsSync(file)) {
    throw new MailtrailError('NOT_FOUND', `case file not found: ${file}`);
  }
  if (create) return openWithPageSize(file, passphrase, create, readOnly, options.pageSize ?? CASE_PAGE_SIZE);
  const sizes = options.pageSize !== undefined ? [options.pageSize] : candidatePageSizes(file);
  if (sizes.length === 0) throw new MailtrailError('WRONG_PASSPHRASE', `wrong passphrase or not a Mailtrail case: ${file}`);
  for (let i = 0; ; i++) {
    try {
      return openWithPageSize(file, passphrase, false, readOnly, sizes[i]!);
    } catch (err) {
      const last = i === sizes.length - 1;
      if (last || !(err instanceof MailtrailError) || err.code !== 'WRONG_PASSPHRASE') throw err;
    }
  }
}

/**
 * The page sizes an existing case file can have, most likely first, from what is readable without
 * the key: a hot rollback journal states the page size in its plaintext header (it must be opened
 * with exactly that size, or playing it back would write pages of the wrong size), and an encrypted
 * file is a whole number of pages long.
 */
function candidatePageSizes(file: string): readonly number[] {
  const fromJournal = journalPageSize(`${file}-journal`);
  if (fromJournal !== null && (CASE_PAGE_SIZES as readonly number[]).includes(fromJournal)) return [fromJournal];
  const size = statSync(file).size;
  return CASE_PAGE_SIZES.filter((p) => size % p === 0);
}

/** The page size in a rollback journal's header (bytes 24–27, big-endian), or null when there is none. */
function journalPageSize(journal: string): number | null {
  if (!existsSync(journal)) return null;
  const fd = openSync(journal, 'r');
  try {
    const header = Buffer.alloc(28);
    if (readSync(fd, header, 0, 28, 0) < 28) return null;
    return header.readUInt32BE(24);
  } finally {
    closeSync(fd);
  }
}

function openWithPageSize(file: string, passphrase: string, create: boolean, readOnly: boolean, pageSize: number): Db {
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: !create, readonly: readOnly && !create });
  } catch (err) {
    throw new MailtrailError('INVALID_INPUT', `cannot open ${file}: ${(err as Error).message}`);
  }
  try {
    applyCipher(db, passphrase, pageSize);
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
    // A hot journal (a write interrupted by a crash or kill) must be played back before the file
    // can be read, and playing it back writes: read-only, SQLite only says "readonly database".
    if (code === 'SQLITE_READONLY_ROLLBACK') {
      throw new MailtrailError(
        'UNSUPPORTED',
        `${file} holds an unfinished change (its rollback journal, ${basename(file)}-journal, was left by an interrupted import or other write), which a read-only open cannot roll back: open the case once read-write (without --read-only, e.g. \`mailtrail verify\`), which rolls it back to the last commit`,
      );
    }
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

/** Sets the page cache for bulk work (an import, an analyzer run) (KiB when negative, as SQLite's `cache_size`); returns the previous value. */
export function setCacheSize(db: Db, kib: number): number {
  const prev = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size=${-Math.abs(kib)}`);
  return prev;
}

/** Restores a `cache_size` value returned by {@link setCacheSize}. */
export function restoreCacheSize(db: Db, value: number): void {
  db.pragma(`cache_size=${value}`);
}
