import type { Migration } from './types';

/**
 * Narrow events: the verbatim record (`raw`, ≈ 1–2 KB) and the decoded `attrs` (≈ 0.5 KB) move out
 * of `events` into `event_payloads`, one row per event keyed by its id. Everything searched, sorted
 * or aggregated stays in `events`, so its rows shrink about tenfold: index builds and time-ordered
 * scans read a tenth of the pages, and bulk import appends the payloads to their own b-tree in id
 * order. Readers that show or export an event join the payload by primary key.
 *
 * Existing events keep their payloads (copied before the columns are dropped; `DROP COLUMN`
 * rewrites the table in place, inside the migration transaction). Idempotent: a case whose
 * `events` already lacks the columns is left as is.
 */
export const m0006EventPayloads: Migration = {
  version: 6,
  name: 'event-payloads',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS event_payloads (
        event_id INTEGER PRIMARY KEY REFERENCES events(id),
        raw TEXT NOT NULL,
        attrs TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
    `);
    const columns = new Set((db.prepare(`SELECT name FROM pragma_table_info('events')`).pluck(true).all() as string[]));
    if (columns.has('raw') && columns.has('attrs')) {
      db.exec(`
        INSERT OR REPLACE INTO event_payloads (event_id, raw, attrs) SELECT id, raw, attrs FROM events ORDER BY id;
        ALTER TABLE events DROP COLUMN raw;
        ALTER TABLE events DROP COLUMN attrs;
      `);
    }
  },
};
