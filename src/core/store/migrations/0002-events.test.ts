import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { m0001Foundation } from './0001-foundation';
import { m0002Events } from './0002-events';

function fresh(): Database.Database {
  const db = new Database(':memory:');
  m0001Foundation.up(db);
  m0002Events.up(db);
  db.exec(
    `INSERT INTO evidence_items (id, kind, origin, state, sha256, chunk_size, acquired_at_us) VALUES (1, 'file', '{}', 'sealed', 'a', 4, 1)`,
  );
  return db;
}

const insert = `INSERT INTO events (ts_us, source, operation, category, summary, record_key, evidence_id, record_index, raw)
  VALUES (?, 'ual', 'Send', 'mail-send', 'sent', ?, 1, ?, '{}')`;

describe('0002-events', () => {
  it('refuses a second event with the same record key but allows keyless events', () => {
    const db = fresh();
    db.prepare(insert).run(1, 'ual:1', 0);
    expect(() => db.prepare(insert).run(2, 'ual:1', 1)).toThrow(/UNIQUE/);
    db.prepare(insert).run(3, null, 2);
    db.prepare(insert).run(4, null, 3);
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 3 });
  });

  it('has a bulk-built full-text index over the events', () => {
    const db = fresh();
    db.prepare(insert).run(1, 'ual:1', 0);
    db.exec(`INSERT INTO events_fts (rowid, summary, operation, actor, mailbox, object, user_agent, client_app)
             SELECT id, summary, operation, actor, mailbox, object, user_agent, client_app FROM events`);
    expect(db.prepare(`SELECT rowid FROM events_fts WHERE events_fts MATCH 'sent'`).all()).toEqual([{ rowid: 1 }]);
  });

  it('uses the time index for time-ordered pages', () => {
    const db = fresh();
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT id FROM events WHERE ts_us >= ? ORDER BY ts_us, id LIMIT 100').all(0) as {
      detail: string;
    }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX events_ts/);
  });
});
