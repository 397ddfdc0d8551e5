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

/**
 * The quarantine rows an earlier parse of one evidence item left, to be brought in line with a
 * new parse of it: a re-run after a crash finds the same rows (nothing changes), a parse as
 * another format (`--format`) reads other records at those positions.
 */
export interface EarlierQuarantine {
  /** Whether the item had quarantine rows when this parse began (if not, the rest never matters). */
  readonly any: boolean;
  /** Whether the position has a row. */
  at(recordIndex: number): boolean;
  /** Removes the position's row (its record became an event); how many rows went. */
  drop(recordIndex: number): number;
  /** Gives the position's row this parse's reason; 1 when it said something else. */
  replace(recordIndex: number, location: string, reason: string, raw: string | null): number;
  /** Removes the rows at and after a position (past this parse's last record); how many went. */
  dropFrom(recordIndex: number): number;
}

/** The quarantine rows of `evidenceId` as this parse begins ({@link EarlierQuarantine}). */
export function earlierQuarantine(db: Db, evidenceId: number): EarlierQuarantine {
  const any = db.prepare('SELECT 1 FROM quarantine WHERE evidence_id = ? LIMIT 1').pluck().get(evidenceId) !== undefined;
  const at = db.prepare('SELECT 1 FROM quarantine WHERE evidence_id = ? AND record_index = ? LIMIT 1').pluck();
  const drop = db.prepare('DELETE FROM quarantine WHERE evidence_id = ? AND record_index = ?');
  const replace = db.prepare(
    `UPDATE quarantine SET location = ?, reason = ?, raw = ?
     WHERE evidence_id = ? AND record_index = ? AND (location IS NOT ? OR reason IS NOT ? OR raw IS NOT ?)`,
  );
  const dropFrom = db.prepare('DELETE FROM quarantine WHERE evidence_id = ? AND record_index >= ?');
  return {
    any,
    at: (i) => any && at.get(evidenceId, i) !== undefined,
    drop: (i) => (any ? drop.run(evidenceId, i).changes : 0),
    replace: (i, location, reason, raw) => (any ? replace.run(location, reason, raw, evidenceId, i, location, reason, raw).changes : 0),
    dropFrom: (i) => (any ? dropFrom.run(evidenceId, i).changes : 0),
  };
}
