import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { nextProbe, recordHash } from '../record-hash';
import { m0001Foundation } from './0001-foundation';
import { m0002Events } from './0002-events';
import { m0003Ingest } from './0003-ingest';
import { m0004Collection } from './0004-collection';
import { m0005Analysis } from './0005-analysis';
import { m0006EventPayloads } from './0006-event-payloads';
import { m0007RecordHash } from './0007-record-hash';

/** A case at schema 6 holding three events, one without a record key. */
function schema6(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys=ON');
  for (const m of [m0001Foundation, m0002Events, m0003Ingest, m0004Collection, m0005Analysis, m0006EventPayloads]) m.up(db);
  db.exec(
    `INSERT INTO evidence_items (id, kind, origin, state, sha256, chunk_size, acquired_at_us) VALUES (1, 'file', '{}', 'sealed', 'a', 4, 1)`,
  );
  const ins = db.prepare(
    `INSERT INTO events (id, ts_us, source, operation, category, summary, record_key, evidence_id, record_index)
     VALUES (?, ?, 'ual', 'Send', 'mail-send', 's', ?, 1, ?)`,
  );
  ins.run(1, 10, 'ual:1', 0);
  ins.run(2, 20, 'ual:2', 1);
  ins.run(3, 30, null, 2);
  return db;
}

function indexNames(db: Database.Database): string[] {
  return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'`).pluck(true).all() as string[];
}

describe('0007-record-hash', () => {
  it('hashes the record key of every existing event and swaps the unique index', () => {
    const db = schema6();
    db.transaction(() => m0007RecordHash.up(db))();
    expect(db.prepare('SELECT id, record_hash FROM events ORDER BY id').all()).toEqual([
      { id: 1, record_hash: recordHash('ual:1') },
      { id: 2, record_hash: recordHash('ual:2') },
      { id: 3, record_hash: null },
    ]);
    expect(indexNames(db)).toContain('events_record_hash');
    expect(indexNames(db)).not.toContain('events_record_key');
    expect(() => db.prepare(`UPDATE events SET record_hash = ? WHERE id = 2`).run(recordHash('ual:1'))).toThrow(/UNIQUE/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('probes past a hash another key already holds, as the writer does', () => {
    const db = schema6();
    // Event 1 already sits on the hash of ual:2 (a collision, stood in by hand).
    db.exec('ALTER TABLE events ADD COLUMN record_hash INTEGER');
    db.prepare('UPDATE events SET record_hash = ? WHERE id = 1').run(recordHash('ual:2'));
    db.transaction(() => m0007RecordHash.up(db))();
    expect(db.prepare('SELECT record_hash FROM events WHERE id = 2').pluck(true).get()).toBe(nextProbe(recordHash('ual:2')));
  });

  it('can run again over a migrated case without touching it', () => {
    const db = schema6();
    db.transaction(() => m0007RecordHash.up(db))();
    db.transaction(() => m0007RecordHash.up(db))();
    expect(db.prepare('SELECT count(*) FROM events WHERE record_hash IS NOT NULL').pluck(true).get()).toBe(2);
  });
});
