import { RecordKeyLookup, recordHash } from '../record-hash';
import type { Migration } from './types';

/**
 * Dedupe through an integer: `events.record_hash` (see `store/record-hash.ts`) with a unique index
 * replaces the unique index on the `record_key` text, a quarter of its size and the one index every
 * imported record touches at random. Existing events get their hash here, in id order, probing past
 * a hash another key already holds exactly as the writer does. Idempotent: a case that already has
 * the column keeps its hashes.
 */
export const m0007RecordHash: Migration = {
  version: 7,
  name: 'record-hash',
  up(db) {
    const columns = new Set(db.prepare(`SELECT name FROM pragma_table_info('events')`).pluck(true).all() as string[]);
    if (!columns.has('record_hash')) db.exec('ALTER TABLE events ADD COLUMN record_hash INTEGER');
    db.exec('CREATE UNIQUE INDEX IF NOT EXISTS events_record_hash ON events(record_hash) WHERE record_hash IS NOT NULL');
    const pending = db.prepare(
      'SELECT id, record_key FROM events WHERE id > ? AND record_key IS NOT NULL AND record_hash IS NULL ORDER BY id LIMIT 10000',
    );
    const set = db.prepare('UPDATE OR IGNORE events SET record_hash = ? WHERE id = ?');
    const lookup = new RecordKeyLookup(db);
    for (let after = 0; ; ) {
      const rows = pending.all(after) as { id: number; record_key: string }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        if (set.run(recordHash(row.record_key), row.id).changes === 1) continue;
        const found = lookup.find(row.record_key);
        // Keys were unique under the old index, so the walk ends at a free hash, never at this key.
        if ('slot' in found) set.run(found.slot, row.id);
      }
      after = rows[rows.length - 1]!.id;
    }
    db.exec('DROP INDEX IF EXISTS events_record_key');
  },
};
