/** SQL for the one-row `cases` table and the `settings` key/value table. */
import type { Db } from './database';

/** The case row as stored. */
export interface CaseRow {
  id: string;
  name: string;
  number: string | null;
  examiner: string;
  time_zone: string;
  created_at_us: number;
  created_with: string;
}

/** Writes the case row (once, at creation). */
export function insertCase(db: Db, row: CaseRow): void {
  db.prepare(
    `INSERT INTO cases (singleton, id, name, number, examiner, time_zone, created_at_us, created_with)
     VALUES (1, @id, @name, @number, @examiner, @time_zone, @created_at_us, @created_with)`,
  ).run(row);
}

/** Reads the case row. */
export function readCase(db: Db): CaseRow | undefined {
  return db.prepare('SELECT id, name, number, examiner, time_zone, created_at_us, created_with FROM cases WHERE singleton = 1').get() as
    CaseRow | undefined;
}

/** Number of stored events. */
export function countEvents(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
}

/** Reads a setting, or undefined. */
export function getSetting(db: Db, key: string): string | undefined {
  return (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

/** Writes a setting. */
export function putSetting(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
