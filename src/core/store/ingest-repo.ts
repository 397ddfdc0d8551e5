/** SQL of the import pipeline: quarantine listing, evidence provenance lookups. */
import type { QuarantineItem } from '../../shared/model/ingest';
import type { Db } from './database';

/** A page of quarantined records, oldest first. */
export function listQuarantine(
  db: Db,
  opts: { evidenceId?: number | undefined; limit?: number | undefined; afterId?: number | undefined },
): {
  items: QuarantineItem[];
  total: number;
} {
  const limit = Math.min(Math.max(opts.limit ?? 200, 1), 1000);
  const after = opts.afterId ?? 0;
  const where = opts.evidenceId !== undefined ? 'WHERE evidence_id = ?' : '';
  const args = opts.evidenceId !== undefined ? [opts.evidenceId] : [];
  const rows = db
    .prepare(
      `SELECT id, evidence_id, record_index, location, reason, raw FROM quarantine ${where ? `${where} AND` : 'WHERE'} id > ? ORDER BY id LIMIT ?`,
    )
    .all(...args, after, limit) as {
    id: number;
    evidence_id: number;
    record_index: number;
    location: string;
    reason: string;
    raw: string | null;
  }[];
  const total = (db.prepare(`SELECT count(*) AS n FROM quarantine ${where}`).get(...args) as { n: number }).n;
  return {
    items: rows.map((r) => ({
      id: r.id,
      evidenceId: r.evidence_id,
      recordIndex: r.record_index,
      location: r.location,
      reason: r.reason,
      raw: r.raw,
    })),
    total,
  };
}

/** Counts of what is already stored for an evidence item (events first read from it, quarantined records). */
export function storedCounts(db: Db, evidenceId: number): { events: number; quarantined: number } {
  const events = (db.prepare('SELECT count(*) AS n FROM events WHERE evidence_id = ?').get(evidenceId) as { n: number }).n;
  const quarantined = (db.prepare('SELECT count(*) AS n FROM quarantine WHERE evidence_id = ?').get(evidenceId) as { n: number }).n;
  return { events, quarantined };
}

/** A check for an already quarantined position (re-ingesting an item must not quarantine a record twice). */
export function quarantinedAt(db: Db): (evidenceId: number, recordIndex: number) => boolean {
  const stmt = db.prepare('SELECT 1 FROM quarantine WHERE evidence_id = ? AND record_index = ? LIMIT 1').pluck();
  return (evidenceId, recordIndex) => stmt.get(evidenceId, recordIndex) !== undefined;
}
