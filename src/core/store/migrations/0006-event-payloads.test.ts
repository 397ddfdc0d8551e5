import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { EVENT_INDEXES } from '../event-indexes';
import { m0001Foundation } from './0001-foundation';
import { m0002Events } from './0002-events';
import { m0003Ingest } from './0003-ingest';
import { m0004Collection } from './0004-collection';
import { m0005Analysis } from './0005-analysis';
import { m0006EventPayloads } from './0006-event-payloads';

/** A case at schema 5 holding two events with their raw record and attrs in `events`. */
function schema5(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys=ON');
  for (const m of [m0001Foundation, m0002Events, m0003Ingest, m0004Collection, m0005Analysis]) m.up(db);
  db.exec(
    `INSERT INTO evidence_items (id, kind, origin, state, sha256, chunk_size, acquired_at_us) VALUES (1, 'file', '{}', 'sealed', 'a', 4, 1)`,
  );
  const ins = db.prepare(
    `INSERT INTO events (id, ts_us, source, operation, category, summary, record_key, evidence_id, record_index, raw, attrs)
     VALUES (?, ?, 'ual', 'Send', 'mail-send', 's', ?, 1, ?, ?, ?)`,
  );
  ins.run(1, 10, 'ual:1', 0, '{"Id":"1"}', '{"send":{"subject":"invoice"}}');
  ins.run(2, 20, 'ual:2', 1, '{"Id":"2"}', '{}');
  // Annotations pointing at the events must survive the rewrite of the table.
  db.exec(`INSERT INTO stars (event_id, starred_at_us, starred_by) VALUES (2, 1, 'e')`);
  return db;
}

function columns(db: Database.Database, table: string): string[] {
  return db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck(true).all(table) as string[];
}

describe('0006-event-payloads', () => {
  it('moves raw and attrs of existing events into event_payloads and drops them from events', () => {
    const db = schema5();
    db.transaction(() => m0006EventPayloads.up(db))();
    expect(columns(db, 'events')).not.toContain('raw');
    expect(columns(db, 'events')).not.toContain('attrs');
    expect(db.prepare('SELECT event_id, raw, attrs FROM event_payloads ORDER BY event_id').all()).toEqual([
      { event_id: 1, raw: '{"Id":"1"}', attrs: '{"send":{"subject":"invoice"}}' },
      { event_id: 2, raw: '{"Id":"2"}', attrs: '{}' },
    ]);
    expect(db.prepare('SELECT id, ts_us, record_key FROM events ORDER BY id').all()).toEqual([
      { id: 1, ts_us: 10, record_key: 'ual:1' },
      { id: 2, ts_us: 20, record_key: 'ual:2' },
    ]);
    expect(db.prepare('SELECT event_id FROM stars').pluck(true).all()).toEqual([2]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('keeps every index of events', () => {
    const db = schema5();
    db.transaction(() => m0006EventPayloads.up(db))();
    const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'`).pluck(true).all();
    expect(names).toEqual(expect.arrayContaining(['events_record_key', ...EVENT_INDEXES.map((i) => i.name)]));
  });

  it('refuses a payload for an event that does not exist, and a second payload for one that does', () => {
    const db = schema5();
    db.transaction(() => m0006EventPayloads.up(db))();
    expect(() => db.exec(`INSERT INTO event_payloads (event_id, raw, attrs) VALUES (99, '{}', '{}')`)).toThrow(/FOREIGN KEY/);
    expect(() => db.exec(`INSERT INTO event_payloads (event_id, raw, attrs) VALUES (1, '{}', '{}')`)).toThrow(/UNIQUE|PRIMARY/);
  });

  it('can run again over a migrated case without touching it', () => {
    const db = schema5();
    db.transaction(() => m0006EventPayloads.up(db))();
    db.transaction(() => m0006EventPayloads.up(db))();
    expect(db.prepare('SELECT count(*) AS n FROM event_payloads').get()).toEqual({ n: 2 });
    expect(columns(db, 'events')).not.toContain('raw');
  });
});
