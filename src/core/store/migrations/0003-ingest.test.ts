import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { m0001Foundation } from './0001-foundation';
import { m0002Events } from './0002-events';
import { m0003Ingest } from './0003-ingest';

function fresh(): Database.Database {
  const db = new Database(':memory:');
  m0001Foundation.up(db);
  m0002Events.up(db);
  m0003Ingest.up(db);
  db.exec(
    `INSERT INTO evidence_items (id, kind, origin, state, sha256, chunk_size, acquired_at_us) VALUES (1, 'file', '{}', 'sealed', 'a', 4, 1)`,
  );
  return db;
}

const quarantine = `INSERT INTO quarantine (evidence_id, record_index, location, reason, raw) VALUES (1, ?, 'line 2', 'bad', NULL)`;

describe('0003-ingest', () => {
  it('quarantines a record position of an evidence item once', () => {
    const db = fresh();
    db.prepare(quarantine).run(0);
    db.prepare(quarantine).run(1);
    expect(() => db.prepare(quarantine).run(0)).toThrow(/UNIQUE/);
  });

  it('serves per-item quarantine listings from the index', () => {
    const db = fresh();
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT * FROM quarantine WHERE evidence_id = ? AND record_index = ?').all(1, 0) as {
      detail: string;
    }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/quarantine_position/);
  });
});
