/**
 * The secondary indexes of `events`: the one list the migrations create them from, bulk import
 * drops and rebuilds, and opening a case checks (a crash in the middle of a bulk import leaves them
 * dropped; the next read-write open rebuilds what is missing).
 *
 * Not in the list: the unique `events_record_hash` index (0007, see `record-hash.ts`). Dedupe needs
 * it at every insert, so it is never dropped.
 */
import { restoreCacheSize, setCacheSize, type Db } from './database';

/** A secondary index of `events` and the migration that introduced it. */
export interface EventIndex {
  name: string;
  /** Indexed columns, in order. */
  columns: string;
  /** Version of the migration that first created it (`createEventIndexes(db, since)`). */
  since: number;
}

/**
 * Every secondary index `events` must have, in creation order. A new index is appended here with
 * the version of the migration that creates it (which calls {@link createEventIndexes} with that
 * version); released entries never change.
 */
export const EVENT_INDEXES: readonly EventIndex[] = [
  // 0002-events: the time order, the pivots of an investigation, the provenance of a record.
  { name: 'events_ts', columns: 'ts_us, id', since: 2 },
  { name: 'events_actor_ts', columns: 'actor, ts_us', since: 2 },
  { name: 'events_mailbox_ts', columns: 'mailbox, ts_us', since: 2 },
  { name: 'events_ip_ts', columns: 'client_ip, ts_us', since: 2 },
  { name: 'events_session_ts', columns: 'session_id, ts_us', since: 2 },
  { name: 'events_operation_ts', columns: 'operation, ts_us', since: 2 },
  { name: 'events_evidence', columns: 'evidence_id, record_index', since: 2 },
  // 0005-analysis: a time-ordered index for every search field (a first page is an index range).
  { name: 'events_category_ts', columns: 'category, ts_us', since: 5 },
  { name: 'events_source_ts', columns: 'source, ts_us', since: 5 },
  { name: 'events_country_ts', columns: 'country, ts_us', since: 5 },
  { name: 'events_asn_ts', columns: 'asn, ts_us', since: 5 },
  { name: 'events_app_ts', columns: 'app_id, ts_us', since: 5 },
  { name: 'events_ua_ts', columns: 'user_agent, ts_us', since: 5 },
];

function createSql(ix: EventIndex): string {
  return `CREATE INDEX IF NOT EXISTS ${ix.name} ON events(${ix.columns})`;
}

/**
 * Creates the indexes introduced by migration `since` (every index when omitted) that do not exist
 * yet. Call inside a transaction.
 * @returns the names created.
 */
export function createEventIndexes(db: Db, since?: number): string[] {
  const present = existingIndexNames(db);
  const created: string[] = [];
  for (const ix of EVENT_INDEXES) {
    if (since !== undefined && ix.since !== since) continue;
    if (present.has(ix.name)) continue;
    db.exec(createSql(ix));
    created.push(ix.name);
  }
  return created;
}

/**
 * Builds every missing index, each in its own transaction, with the page cache at `cacheKib`
 * meanwhile (unchanged when `null`). Each `CREATE INDEX` scans the whole table: with a cache that
 * holds the table, it is decrypted once rather than once per index (`ingest/bulk-indexes.ts`
 * decides). One transaction per index keeps that cache for the table: in a single transaction every
 * new index page would stay in it, dirty. A crash in between leaves the rest missing, which the
 * open-time check rebuilds.
 * @returns the names created.
 */
export function rebuildEventIndexes(db: Db, cacheKib: number | null): string[] {
  const missing = new Set(missingEventIndexes(db));
  if (missing.size === 0) return [];
  const prev = cacheKib === null ? null : setCacheSize(db, cacheKib);
  try {
    const created: string[] = [];
    for (const ix of EVENT_INDEXES) {
      if (!missing.has(ix.name)) continue;
      db.transaction(() => db.exec(createSql(ix))).immediate();
      created.push(ix.name);
    }
    return created;
  } finally {
    if (prev !== null) restoreCacheSize(db, prev);
  }
}

/** Names of the listed indexes missing from the case (cheap: reads the schema only). */
export function missingEventIndexes(db: Db): string[] {
  const present = existingIndexNames(db);
  return EVENT_INDEXES.filter((ix) => !present.has(ix.name)).map((ix) => ix.name);
}

/**
 * Drops every listed index (bulk load: rows go in without per-row index maintenance, then
 * {@link createEventIndexes} builds each index in one sorted pass). Call inside a transaction.
 * @returns the names dropped.
 */
export function dropEventIndexes(db: Db): string[] {
  const present = existingIndexNames(db);
  const dropped: string[] = [];
  for (const ix of EVENT_INDEXES) {
    if (!present.has(ix.name)) continue;
    db.exec(`DROP INDEX ${ix.name}`);
    dropped.push(ix.name);
  }
  return dropped;
}

function existingIndexNames(db: Db): Set<string> {
  return new Set(
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'`).pluck(true).all() as string[],
  );
}
