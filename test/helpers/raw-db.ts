/** Opens a case file as a bare encrypted SQLite database, the way an attacker with the passphrase would. */
import Database from 'better-sqlite3-multiple-ciphers';

/** Opens `file` with the case's cipher settings and no Mailtrail logic. */
export function rawOpen(file: string, passphrase: string): Database.Database {
  const db = new Database(file, { fileMustExist: true });
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.key(Buffer.from(passphrase, 'utf8'));
  return db;
}

/** Drops every trigger (what a tamperer would do first). */
export function dropTriggers(db: Database.Database): void {
  const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).all() as { name: string }[];
  for (const { name } of names) db.exec(`DROP TRIGGER "${name}"`);
}
