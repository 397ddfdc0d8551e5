/** SQL for `evidence_items`, `evidence_chunks` and `evidence_sightings`. */
import type { EvidenceItem, EvidenceOrigin } from '../../shared/model/evidence';
import type { Db } from './database';

/** How chunks are stored. */
export type EvidenceCodec = 'identity' | 'deflate-raw';

/** An evidence row as stored. */
export interface EvidenceRow {
  id: number;
  kind: string;
  origin: string;
  state: 'staging' | 'sealed';
  sha256: string | null;
  bytes: number;
  chunk_size: number;
  codec: EvidenceCodec;
  acquired_at_us: number;
  declared_count: number | null;
  parsed_count: number | null;
  custody_seq: number | null;
}

/** Converts a sealed row to the public shape. */
export function toEvidenceItem(row: EvidenceRow): EvidenceItem {
  return {
    id: row.id,
    kind: row.kind,
    origin: JSON.parse(row.origin) as EvidenceOrigin,
    sha256: row.sha256 ?? '',
    bytes: row.bytes,
    acquiredAtUs: row.acquired_at_us,
    declaredCount: row.declared_count,
    parsedCount: row.parsed_count,
    custodySeq: row.custody_seq ?? 0,
  };
}

/** Creates a staging item and returns its id. */
export function insertStaging(
  db: Db,
  kind: string,
  origin: string,
  chunkSize: number,
  codec: EvidenceCodec,
  acquiredAtUs: number,
  declaredCount: number | null,
): number {
  const info = db
    .prepare(
      `INSERT INTO evidence_items (kind, origin, state, chunk_size, codec, acquired_at_us, declared_count)
       VALUES (?, ?, 'staging', ?, ?, ?, ?)`,
    )
    .run(kind, origin, chunkSize, codec, acquiredAtUs, declaredCount);
  return Number(info.lastInsertRowid);
}

/** Prepared insert for chunks (reuse across a whole stream). */
export function chunkInserter(db: Db): (evidenceId: number, seq: number, data: Buffer) => void {
  const stmt = db.prepare('INSERT INTO evidence_chunks (evidence_id, seq, data) VALUES (?, ?, ?)');
  return (evidenceId, seq, data) => void stmt.run(evidenceId, seq, data);
}

/** Seals a staging item. */
export function sealItem(db: Db, id: number, sha256: string, bytes: number, custodySeq: number): void {
  db.prepare(`UPDATE evidence_items SET state = 'sealed', sha256 = ?, bytes = ?, custody_seq = ? WHERE id = ? AND state = 'staging'`).run(
    sha256,
    bytes,
    custodySeq,
    id,
  );
}

/**
 * Deletes a staging item and its chunks (triggers refuse this for sealed items). Freed pages are
 * not zeroed (`secure_delete=FAST`): zeroing them journals and rewrites every page of the item,
 * as much room as storing it took, so a disk that filled while storing could not take the
 * discard either, and a case that kept the half-stored item could not be opened to write again
 * (a 30 MiB item: 31.7 MB of journal zeroing, 0.05 MB not). The pages stay encrypted.
 */
export function discardStaging(db: Db, id: number): void {
  const before = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete=FAST');
  try {
    db.prepare('DELETE FROM evidence_chunks WHERE evidence_id = ?').run(id);
    db.prepare(`DELETE FROM evidence_items WHERE id = ? AND state = 'staging'`).run(id);
  } finally {
    db.pragma(`secure_delete=${before}`);
  }
}

/** Ids of staging items (left behind by an interrupted acquisition). */
export function stagingIds(db: Db): number[] {
  return (db.prepare(`SELECT id FROM evidence_items WHERE state = 'staging'`).all() as { id: number }[]).map((r) => r.id);
}

/** The sealed item with this hash, if any. */
export function sealedBySha(db: Db, sha256: string): EvidenceRow | undefined {
  return db.prepare(`SELECT * FROM evidence_items WHERE sha256 = ? AND state = 'sealed'`).get(sha256) as EvidenceRow | undefined;
}

/** One item by id (any state). */
export function itemById(db: Db, id: number): EvidenceRow | undefined {
  return db.prepare('SELECT * FROM evidence_items WHERE id = ?').get(id) as EvidenceRow | undefined;
}

/** Every sealed item in id order. */
export function sealedItems(db: Db): EvidenceRow[] {
  return db.prepare(`SELECT * FROM evidence_items WHERE state = 'sealed' ORDER BY id`).all() as EvidenceRow[];
}

/** One chunk's bytes, or undefined past the end. */
export function chunkAt(db: Db, evidenceId: number, seq: number): Buffer | undefined {
  const row = db.prepare('SELECT data FROM evidence_chunks WHERE evidence_id = ? AND seq = ?').get(evidenceId, seq) as
    { data: Buffer } | undefined;
  return row?.data;
}

/** Number of chunks stored for an item. */
export function chunkCount(db: Db, evidenceId: number): number {
  return (db.prepare('SELECT count(*) AS n FROM evidence_chunks WHERE evidence_id = ?').get(evidenceId) as { n: number }).n;
}

/** Records a repeated acquisition of an existing item. */
export function insertSighting(db: Db, evidenceId: number, origin: string, acquiredAtUs: number, custodySeq: number): void {
  db.prepare('INSERT INTO evidence_sightings (evidence_id, origin, acquired_at_us, custody_seq) VALUES (?, ?, ?, ?)').run(
    evidenceId,
    origin,
    acquiredAtUs,
    custodySeq,
  );
}

/** Further acquisitions of an item. */
export function sightingsOf(db: Db, evidenceId: number): { origin: string; acquired_at_us: number; custody_seq: number }[] {
  return db
    .prepare('SELECT origin, acquired_at_us, custody_seq FROM evidence_sightings WHERE evidence_id = ? ORDER BY id')
    .all(evidenceId) as { origin: string; acquired_at_us: number; custody_seq: number }[];
}

/** Sets the declared and/or parsed record counts of a sealed item. */
export function setCounts(db: Db, id: number, counts: { declared?: number | null; parsed?: number | null }): void {
  if (counts.declared !== undefined) db.prepare('UPDATE evidence_items SET declared_count = ? WHERE id = ?').run(counts.declared, id);
  if (counts.parsed !== undefined) db.prepare('UPDATE evidence_items SET parsed_count = ? WHERE id = ?').run(counts.parsed, id);
}

/** Count and total size of sealed items. */
export function evidenceTotals(db: Db): { items: number; bytes: number } {
  return db.prepare(`SELECT count(*) AS items, coalesce(sum(bytes), 0) AS bytes FROM evidence_items WHERE state = 'sealed'`).get() as {
    items: number;
    bytes: number;
  };
}
