import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { m0001Foundation } from './0001-foundation';
import { m0002Events } from './0002-events';
import { m0004Collection } from './0004-collection';

function fresh(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys=ON');
  m0001Foundation.up(db);
  m0002Events.up(db);
  m0004Collection.up(db);
  db.exec(
    `INSERT INTO evidence_items (id, kind, origin, state, sha256, chunk_size, acquired_at_us) VALUES (1, 'http-response', '{}', 'sealed', 'a', 4, 1)`,
  );
  db.exec(`INSERT INTO collect_runs (id, started_at_us, state, params) VALUES ('r1', 1, 'running', '{}')`);
  return db;
}

describe('0004-collection', () => {
  it('keeps one task per run, source and key', () => {
    const db = fresh();
    const ins = db.prepare(
      `INSERT INTO collect_tasks (run_id, source, key, kind, state, updated_at_us) VALUES ('r1', 'ual', ?, 'window', 'pending', 1)`,
    );
    ins.run('w:1-2');
    expect(() => ins.run('w:1-2')).toThrow(/UNIQUE/);
    expect(() =>
      db.exec(
        `INSERT INTO collect_tasks (run_id, source, key, kind, state, updated_at_us) VALUES ('r1', 'ual', 'k', 'window', 'weird', 1)`,
      ),
    ).toThrow(/CHECK/);
  });

  it('makes recorded gaps, their resolutions and stored pages append-only', () => {
    const db = fresh();
    db.exec(
      `INSERT INTO collect_gaps (run_id, source, kind, detail, recorded_at_us, custody_seq) VALUES ('r1', 'mgmt', 'horizon', 'older than 7 days', 1, 1)`,
    );
    db.exec(`INSERT INTO collect_gap_resolutions (gap_id, resolved_at_us, custody_seq) VALUES (1, 2, 2)`);
    db.exec(`INSERT INTO collect_pages (run_id, source, evidence_id, status, requested_at_us) VALUES ('r1', 'ual', 1, 200, 1)`);
    expect(() => db.exec(`UPDATE collect_gaps SET detail = 'x'`)).toThrow(/append-only/);
    expect(() => db.exec(`DELETE FROM collect_gaps`)).toThrow(/append-only/);
    expect(() => db.exec(`DELETE FROM collect_gap_resolutions`)).toThrow(/append-only/);
    expect(() => db.exec(`UPDATE collect_pages SET status = 500`)).toThrow(/append-only/);
    expect(() => db.exec(`DELETE FROM collect_pages`)).toThrow(/append-only/);
  });

  it('can run again over a case that has its tables (replayed upgrade) without touching them', () => {
    const db = fresh();
    db.exec(`INSERT INTO collect_pages (run_id, source, evidence_id, status, requested_at_us) VALUES ('r1', 'ual', 1, 200, 1)`);
    m0004Collection.up(db);
    expect(db.prepare('SELECT count(*) AS n FROM collect_pages').get()).toEqual({ n: 1 });
    expect(() => db.exec(`DELETE FROM collect_pages`)).toThrow(/append-only/);
  });

  it('refuses a page that points at no evidence item', () => {
    const db = fresh();
    expect(() =>
      db.exec(`INSERT INTO collect_pages (run_id, source, evidence_id, status, requested_at_us) VALUES ('r1', 'ual', 99, 200, 1)`),
    ).toThrow(/FOREIGN KEY/);
  });
});
