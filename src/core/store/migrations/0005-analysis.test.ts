import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { m0001Foundation } from './0001-foundation';
import { m0002Events } from './0002-events';
import { m0005Analysis } from './0005-analysis';

function fresh(): Database.Database {
  const db = new Database(':memory:');
  m0001Foundation.up(db);
  m0002Events.up(db);
  m0005Analysis.up(db);
  db.exec(
    `INSERT INTO evidence_items (id, kind, origin, state, sha256, chunk_size, acquired_at_us) VALUES (1, 'file', '{}', 'sealed', 'a', 4, 1)`,
  );
  db.exec(
    `INSERT INTO events (id, ts_us, source, operation, category, summary, evidence_id, record_index, raw) VALUES (1, 5, 'ual', 'Send', 'mail-send', 's', 1, 0, '{}')`,
  );
  return db;
}

describe('0005-analysis', () => {
  it('creates the annotation, finding, derived and enrichment tables', () => {
    const db = fresh();
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck(true).all() as string[]).sort();
    for (const t of [
      'tags',
      'event_tags',
      'stars',
      'comments',
      'saved_views',
      'findings',
      'finding_events',
      'analyzer_runs',
      'value_counts',
      'timeline_buckets',
      'ip_addresses',
      'enrichment_sources',
    ]) {
      expect(tables).toContain(t);
    }
  });

  it('gives every search field a time-ordered index', () => {
    const db = fresh();
    for (const col of ['category', 'source', 'country', 'asn', 'app_id', 'user_agent']) {
      const plan = (
        db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM events WHERE ${col} = ? ORDER BY ts_us, id LIMIT 10`).all('x') as { detail: string }[]
      )
        .map((r) => r.detail)
        .join(' ');
      expect(plan, col).toMatch(/USING (COVERING )?INDEX events_\w+_ts/);
      expect(plan, col).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('refuses tags on unknown events, duplicate tag names in any case, and bad severities', () => {
    const db = fresh();
    db.pragma('foreign_keys=ON');
    db.exec(`INSERT INTO tags (id, name, color, created_at_us, created_by) VALUES (1, 'Malicious', '#ff0000', 1, 'e')`);
    expect(() => db.exec(`INSERT INTO tags (name, color, created_at_us, created_by) VALUES ('malicious', '#ff0000', 1, 'e')`)).toThrow(
      /UNIQUE/,
    );
    expect(() => db.exec(`INSERT INTO event_tags VALUES (99, 1, 1, 'e')`)).toThrow(/FOREIGN KEY/);
    db.exec(
      `INSERT INTO analyzer_runs (id, started_at_us, finished_at_us, examiner, analyzers, events, findings) VALUES (1, 1, 2, 'e', '[]', 1, 0)`,
    );
    expect(() =>
      db.exec(
        `INSERT INTO findings (analyzer, fingerprint, severity, title, why, run_id, first_run_id) VALUES ('a', 'f', 'critical', 't', 'w', 1, 1)`,
      ),
    ).toThrow(/CHECK/);
    db.exec(
      `INSERT INTO findings (analyzer, fingerprint, severity, title, why, run_id, first_run_id) VALUES ('a', 'f', 'high', 't', 'w', 1, 1)`,
    );
    expect(() =>
      db.exec(
        `INSERT INTO findings (analyzer, fingerprint, severity, title, why, run_id, first_run_id) VALUES ('a', 'f', 'low', 't', 'w', 1, 1)`,
      ),
    ).toThrow(/UNIQUE/);
  });
});
