/** SQL for the `custody` table. Only {@link appendRow} writes; triggers refuse updates and deletes. */
import type { Db } from './database';

/** A custody row as stored. */
export interface CustodyRow {
  seq: number;
  at_us: number;
  examiner: string;
  action: string;
  details: string;
  prev: string;
  hash: string;
}

/** The last row, or undefined for an empty journal. */
export function lastRow(db: Db): CustodyRow | undefined {
  return db.prepare('SELECT * FROM custody ORDER BY seq DESC LIMIT 1').get() as CustodyRow | undefined;
}

/** Inserts one row. */
export function appendRow(db: Db, row: CustodyRow): void {
  db.prepare(
    'INSERT INTO custody (seq, at_us, examiner, action, details, prev, hash) VALUES (@seq, @at_us, @examiner, @action, @details, @prev, @hash)',
  ).run(row);
}

/** Rows after `afterSeq`, in order, at most `limit`. */
export function rowsAfter(db: Db, afterSeq: number, limit: number): CustodyRow[] {
  return db.prepare('SELECT * FROM custody WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as CustodyRow[];
}

/** Iterates every row in physical `seq` order (used by verification). */
export function iterateRows(db: Db): IterableIterator<CustodyRow> {
  return db.prepare('SELECT * FROM custody ORDER BY seq').iterate() as IterableIterator<CustodyRow>;
}

/** One row by sequence number. */
export function rowBySeq(db: Db, seq: number): CustodyRow | undefined {
  return db.prepare('SELECT * FROM custody WHERE seq = ?').get(seq) as CustodyRow | undefined;
}

/** Number of rows. */
export function countRows(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM custody').get() as { n: number }).n;
}

/** Records an examiner name the first time it acts in this case. */
export function rememberExaminer(db: Db, name: string, atUs: number): void {
  db.prepare('INSERT INTO examiners (name, first_seen_us) VALUES (?, ?) ON CONFLICT(name) DO NOTHING').run(name, atUs);
}
