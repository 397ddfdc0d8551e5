import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { m0001Foundation } from './0001-foundation';

function fresh(): Database.Database {
  const db = new Database(':memory:');
  m0001Foundation.up(db);
  return db;
}

describe('0001-foundation', () => {
  it('creates the foundation tables as STRICT tables', () => {
    const db = fresh();
    for (const table of ['cases', 'examiners', 'custody', 'evidence_items', 'evidence_chunks', 'evidence_sightings', 'settings']) {
      const sql = (db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(table) as { sql: string } | undefined)?.sql;
      expect(sql, table).toMatch(/STRICT/);
    }
  });

  it('makes the custody journal append-only', () => {
    const db = fresh();
    db.prepare(`INSERT INTO custody VALUES (1, 1, 'e', 'a', '{}', 'p', 'h')`).run();
    expect(() => db.exec(`UPDATE custody SET action = 'x'`)).toThrow(/append-only/);
    expect(() => db.exec(`DELETE FROM custody`)).toThrow(/append-only/);
  });

  it('lets staging evidence be discarded but makes sealed evidence immutable', () => {
    const db = fresh();
    db.exec(`INSERT INTO evidence_items (id, kind, origin, state, chunk_size, acquired_at_us) VALUES (1, 'file', '{}', 'staging', 4, 1)`);
    db.exec(`INSERT INTO evidence_chunks (evidence_id, seq, data) VALUES (1, 0, x'00010203')`);
    expect(() => db.exec(`UPDATE evidence_chunks SET data = x'ff'`)).toThrow(/immutable/);
    db.exec(`UPDATE evidence_items SET state = 'sealed', sha256 = 'abc', bytes = 4, custody_seq = 1 WHERE id = 1`);
    expect(() => db.exec(`DELETE FROM evidence_chunks WHERE evidence_id = 1`)).toThrow(/immutable/);
    expect(() => db.exec(`DELETE FROM evidence_items WHERE id = 1`)).toThrow(/immutable/);
    expect(() => db.exec(`UPDATE evidence_items SET sha256 = 'def' WHERE id = 1`)).toThrow(/immutable/);
    expect(() => db.exec(`INSERT INTO evidence_chunks (evidence_id, seq, data) VALUES (1, 1, x'00')`)).toThrow(/staging/);
    // Record counts may still be filled in after parsing.
    db.exec(`UPDATE evidence_items SET parsed_count = 10 WHERE id = 1`);
  });

  it('keeps one sealed item per SHA-256', () => {
    const db = fresh();
    db.exec(
      `INSERT INTO evidence_items (kind, origin, state, sha256, chunk_size, acquired_at_us) VALUES ('file', '{}', 'sealed', 'abc', 4, 1)`,
    );
    expect(() =>
      db.exec(
        `INSERT INTO evidence_items (kind, origin, state, sha256, chunk_size, acquired_at_us) VALUES ('file', '{}', 'sealed', 'abc', 4, 1)`,
      ),
    ).toThrow(/UNIQUE/);
  });
});
