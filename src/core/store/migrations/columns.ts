import type { Db } from '../database';

/** Whether `table` has `column` (a migration that adds one may be replayed over a case that has it). */
export function hasColumn(db: Db, table: string, column: string): boolean {
  return (db.prepare('SELECT name FROM pragma_table_info(?)').pluck(true).all(table) as string[]).includes(column);
}
