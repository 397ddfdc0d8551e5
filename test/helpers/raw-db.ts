/** Opens a case file as a bare encrypted SQLite database, the way an attacker with the passphrase would. */
import Database from 'better-sqlite3-multiple-ciphers';
import { CASE_PAGE_SIZE } from '../../src/core/store/database';

/** Opens `file` with the case's cipher settings (those of a stock SQLCipher 4 and the page size) and no Mailtrail logic. */
export function rawOpen(file: string, passphrase: string, pageSize = CASE_PAGE_SIZE): Database.Database {
  const db = new Database(file, { fileMustExist: true });
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`legacy_page_size=${pageSize}`);
  db.key(Buffer.from(passphrase, 'utf8'));
  return db;
}

/** Drops every trigger (what a tamperer would do first). */
export function dropTriggers(db: Database.Database): void {
  const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).all() as { name: string }[];
  for (const { name } of names) db.exec(`DROP TRIGGER "${name}"`);
}
