/**
 * SQL for normalized events: insertion with dedupe by record identity (forensic invariant 4),
 * sightings of duplicates, quarantine, the bulk-built full-text index, and row mapping.
 */
import type { NormalizedEvent, TimelineEvent } from '../../shared/model/event';
import { getSetting, putSetting } from './case-repo';
import { copyLoss, cutValues } from './copy-loss';
import type { Db } from './database';
import { RecordKeyLookup, recordHash, type KeyedEvent } from './record-hash';

/** Enrichment columns filled at insert time (see `core/enrich`). */
export interface EventEnrichment {
  country: string | null;
  asn: number | null;
  asOrg: string | null;
}

/** The columns of an `events` row, as selected (snake_case, SQLite types). */
export interface EventColumnsRow {
  id: number;
  ts_us: number;
  source: string;
  record_type: string | null;
  operation: string;
  category: string;
  actor: string | null;
  mailbox: string | null;
  client_ip: string | null;
  country: string | null;
  asn: number | null;
  as_org: string | null;
  user_agent: string | null;
  client_app: string | null;
  app_id: string | null;
  session_id: string | null;
  token_id: string | null;
  device_id: string | null;
  result: string | null;
  object: string | null;
  summary: string;
  record_key: string | null;
  evidence_id: number;
  record_index: number;
  examiner_added: number;
}

/** An `events` row joined with its `event_payloads` row (see {@link FULL_EVENT_SELECT}). */
export interface EventRow extends EventColumnsRow {
  raw: string;
  attrs: string;
}

/**
 * `SELECT` of whole events: every `events` column plus the payload (`raw`, `attrs`) joined by primary
 * key. Append `WHERE …` with columns qualified by `e.` where ambiguous (none are today: the payload
 * table holds only `event_id`, `raw`, `attrs`). A LEFT JOIN keeps `events` the outer loop, so time
 * orders still walk `events_ts`; an event without a payload row (impossible through
 * {@link EventWriter}) would show an empty raw record rather than vanish.
 */
export const FULL_EVENT_SELECT = `SELECT e.*, coalesce(p.raw, '') AS raw, coalesce(p.attrs, '{}') AS attrs
  FROM events e LEFT JOIN event_payloads p ON p.event_id = e.id`;

/** Maps a stored row to the public shape. */
export function toTimelineEvent(row: EventRow): TimelineEvent {
  return {
    id: row.id,
    tsUs: row.ts_us,
    source: row.source as TimelineEvent['source'],
    recordType: row.record_type,
    operation: row.operation,
    category: row.category as TimelineEvent['category'],
    actor: row.actor,
    mailbox: row.mailbox,
    clientIp: row.client_ip,
    country: row.country,
    asn: row.asn,
    asOrg: row.as_org,
    userAgent: row.user_agent,
    clientApp: row.client_app,
    appId: row.app_id,
    sessionId: row.session_id,
    tokenId: row.token_id,
    deviceId: row.device_id,
    result: row.result,
    object: row.object,
    summary: row.summary,
    recordKey: row.record_key,
    evidenceId: row.evidence_id,
    recordIndex: row.record_index,
    raw: row.raw,
    attrs: JSON.parse(row.attrs) as TimelineEvent['attrs'],
    examinerAdded: row.examiner_added === 1,
  };
}

/** Positions of `record_key`, `record_hash`, `evidence_id`, `record_index` and `copy_loss` among the insert's parameters. */
const RECORD_KEY_SLOT = 20;
const HASH_SLOT = 21;
const EVIDENCE_SLOT = 22;
const INDEX_SLOT = 23;
const LOSS_SLOT = 25;

/** The full-text columns, in the order of `events_fts`. */
const FTS_COLUMNS = 'summary, operation, actor, mailbox, object, user_agent, client_app';

/** An event's values for `events_fts`, rowid first, in the order of {@link FTS_COLUMNS}. */
function ftsRow(id: number | bigint, ev: Omit<NormalizedEvent, 'attrs'>): unknown[] {
  return [id, ev.summary, ev.operation, ev.actor, ev.mailbox, ev.object, ev.userAgent, ev.clientApp];
}

/** The statements of {@link EventWriter}'s copy upgrade (`replaceCopy`). */
function prepareUpgrade(db: Db) {
  return {
    ftsValues: db.prepare(`SELECT ${FTS_COLUMNS} FROM events WHERE id = ?`).raw(true),
    // External-content FTS5 forgets a row only when given the values it indexed.
    ftsDelete: db.prepare(`INSERT INTO events_fts (events_fts, rowid, ${FTS_COLUMNS}) VALUES ('delete', ?, ?, ?, ?, ?, ?, ?, ?)`),
    ftsInsert: db.prepare(`INSERT INTO events_fts (rowid, ${FTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    // The insert's columns but the record key and its hash, which are what the copies share.
    update: db.prepare(
      `UPDATE events SET ts_us = ?, source = ?, record_type = ?, operation = ?, category = ?, actor = ?, mailbox = ?, client_ip = ?,
         country = ?, asn = ?, as_org = ?, user_agent = ?, client_app = ?, app_id = ?, session_id = ?, token_id = ?, device_id = ?,
         result = ?, object = ?, summary = ?, evidence_id = ?, record_index = ?, examiner_added = ?, copy_loss = ?
       WHERE id = ?`,
    ),
    payload: db.prepare('UPDATE event_payloads SET raw = ?, attrs = ? WHERE event_id = ?'),
    unsight: db.prepare('DELETE FROM event_sightings WHERE event_id = ? AND evidence_id = ? AND record_index = ?'),
  };
}

/**
 * Outcome of writing one record: a new event, a duplicate of one (a sighting), or a duplicate whose
 * copy is fuller than the stored one and took its place (`copy-loss.ts`; the stored copy becomes
 * the sighting).
 */
export type WriteOutcome = 'imported' | 'duplicate' | 'upgraded';

/** A fuller copy of a record that took the place of the stored one (`EventWriterOptions.onUpgrade`). */
export interface CopyUpgrade {
  eventId: number;
  /** Where the copy it replaced is (kept as a sighting). */
  from: { evidenceId: number; recordIndex: number };
  /** The replaced copy's loss and the new one's (`copy-loss.ts`). */
  lossBefore: number;
  lossAfter: number;
  /** Why: a fuller copy (absent), or the same record read again in the examiner's date order. */
  reason?: 'date order';
}

/** Options of {@link EventWriter}. */
export interface EventWriterOptions {
  /**
   * Add each imported event to the full-text index as it is written, from the values in hand (no
   * read-back of the row). Only inside a transaction opened with {@link beginFtsBatch} and closed
   * with {@link endFtsBatch}, which keep the index cursor exact. Used by bulk import.
   */
  inlineFts?: boolean;
  /** The records come in a flattened layout (`copy-loss.ts`): a structured copy replaces them. */
  flatLayout?: boolean;
  /** Told of each upgrade (an outcome `upgraded`), once it is written. */
  onUpgrade?: (upgrade: CopyUpgrade) => void;
  /**
   * The records are read again in the examiner's order for dates that read both ways
   * (`import --date-order`): a record already in the case from the same bytes (same evidence item
   * and position) whose time this reading changes takes the new reading, as an upgrade whose
   * `reason` is `date order` (the event keeps its id, tags, comments and findings).
   */
  retime?: boolean;
}

/**
 * Writes normalized events with prepared statements (create one per batch or import). Callers
 * wrap batches in a transaction; one statement per event keeps inserts at bare-loop speed.
 */
export class EventWriter {
  private readonly insertStmt;
  private readonly payloadStmt;
  private readonly keys: RecordKeyLookup;
  private readonly sightingStmt;
  private readonly quarantineStmt;
  private readonly ftsStmt;
  private readonly lossStmt;
  /** The stored time of an event, when records are read again in a new date order ({@link EventWriterOptions.retime}). */
  private readonly tsStmt;
  private rawStmt: ReturnType<Db['prepare']> | null = null;
  private readonly flatLayout: boolean;
  private readonly onUpgrade: ((upgrade: CopyUpgrade) => void) | undefined;
  /** Statements only an upgrade needs, prepared at the first one. */
  private upgradeStmts: ReturnType<typeof prepareUpgrade> | null = null;

  constructor(
    private readonly db: Db,
    options: EventWriterOptions = {},
  ) {
    this.ftsStmt = options.inlineFts ? db.prepare(`INSERT INTO events_fts (rowid, ${FTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`) : null;
    this.insertStmt = db.prepare(
      `INSERT INTO events (ts_us, source, record_type, operation, category, actor, mailbox, client_ip, country, asn, as_org,
         user_agent, client_app, app_id, session_id, token_id, device_id, result, object, summary, record_key, record_hash,
         evidence_id, record_index, examiner_added, copy_loss)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (record_hash) WHERE record_hash IS NOT NULL DO NOTHING`,
    );
    this.payloadStmt = db.prepare('INSERT INTO event_payloads (event_id, raw, attrs) VALUES (?, ?, ?)');
    this.keys = new RecordKeyLookup(db);
    this.sightingStmt = db.prepare(
      'INSERT INTO event_sightings (event_id, evidence_id, record_index) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.quarantineStmt = db.prepare('INSERT INTO quarantine (evidence_id, record_index, location, reason, raw) VALUES (?, ?, ?, ?, ?)');
    this.lossStmt = db.prepare('SELECT copy_loss FROM events WHERE id = ?').pluck(true);
    this.flatLayout = options.flatLayout ?? false;
    this.onUpgrade = options.onUpgrade;
    this.tsStmt = options.retime ? db.prepare('SELECT ts_us FROM events WHERE id = ?').pluck(true) : null;
  }

  /**
   * Inserts an event, or, when its record key is already stored, records where it was seen again;
   * when this copy has lost less than the stored one (`copy-loss.ts`), it takes the stored one's
   * place instead (see {@link replaceCopy}).
   * @returns `imported`, `duplicate` or `upgraded`.
   */
  write(
    ev: NormalizedEvent,
    evidenceId: number,
    recordIndex: number,
    enrichment: EventEnrichment | null = null,
    examinerAdded = false,
  ): WriteOutcome {
    return this.writeSerialized(ev, JSON.stringify(ev.attrs), evidenceId, recordIndex, enrichment, examinerAdded);
  }

  /** {@link write} with `attrs` already serialised (events normalized in another thread). */
  writeSerialized(
    ev: Omit<NormalizedEvent, 'attrs'>,
    attrsJson: string,
    evidenceId: number,
    recordIndex: number,
    enrichment: EventEnrichment | null = null,
    examinerAdded = false,
  ): WriteOutcome {
    const row = [
      ev.tsUs,
      ev.source,
      ev.recordType,
      ev.operation,
      ev.category,
      ev.actor,
      ev.mailbox,
      ev.clientIp,
      enrichment?.country ?? null,
      enrichment?.asn ?? null,
      enrichment?.asOrg ?? null,
      ev.userAgent,
      ev.clientApp,
      ev.appId,
      ev.sessionId,
      ev.tokenId,
      ev.deviceId,
      ev.result,
      ev.object,
      ev.summary,
      ev.recordKey,
      ev.recordKey === null ? null : recordHash(ev.recordKey),
      evidenceId,
      recordIndex,
      examinerAdded ? 1 : 0,
      copyLoss(ev.raw, this.flatLayout),
    ];
    let info = this.insertStmt.run(row);
    if (info.changes === 0) {
      // The key's hash is taken: by this very record seen before, or (rarely) by another key.
      const found = this.keys.find(ev.recordKey!);
      if ('event' in found) {
        const existing = found.event;
        if (existing.evidence_id === evidenceId && existing.record_index === recordIndex) {
          if (this.tsStmt === null || this.tsStmt.get(existing.id) === ev.tsUs) return 'duplicate';
          this.replaceCopy(existing, this.storedLoss(existing.id), row, ev, attrsJson, 'date order');
          return 'upgraded';
        }
        const loss = row[LOSS_SLOT] as number;
        const stored = this.storedLoss(existing.id);
        if (loss < stored) {
          this.replaceCopy(existing, stored, row, ev, attrsJson);
          return 'upgraded';
        }
        this.sightingStmt.run(existing.id, evidenceId, recordIndex);
        return 'duplicate';
      }
      row[HASH_SLOT] = found.slot;
      info = this.insertStmt.run(row);
    }
    this.payloadStmt.run(info.lastInsertRowid, ev.raw, attrsJson);
    this.ftsStmt?.run(ftsRow(info.lastInsertRowid, ev));
    return 'imported';
  }

  /** The stored copy's loss; measured from its payload for events written before it was kept (NULL). */
  private storedLoss(id: number): number {
    const loss = this.lossStmt.get(id) as number | null;
    if (loss !== null) return loss;
    // Only then the payload: a re-import of a large export is all duplicates.
    this.rawStmt ??= this.db.prepare('SELECT raw FROM event_payloads WHERE event_id = ?').pluck(true);
    const raw = this.rawStmt.get(id) as string | undefined;
    return cutValues(raw ?? '');
  }

  /**
   * Puts a fuller copy of a record in the place of the stored one: the event keeps its id (and so its
   * tags, comments, stars and findings) and takes the new copy's columns, payload and position; the
   * replaced copy's position becomes a sighting, so both evidence items stay linked (invariant 4).
   * The full-text index is told of the old and new text when it already holds the event. The
   * derived tables (`derived-repo.ts`) are the caller's to refresh (`onUpgrade` says what
   * changed).
   */
  private replaceCopy(
    existing: KeyedEvent,
    lossBefore: number,
    row: unknown[],
    ev: Omit<NormalizedEvent, 'attrs'>,
    attrsJson: string,
    reason?: 'date order',
  ): void {
    const q = (this.upgradeStmts ??= prepareUpgrade(this.db));
    const id = existing.id;
    const indexed = this.ftsStmt !== null || id <= Number(getSetting(this.db, FTS_CURSOR) ?? 0);
    if (indexed) q.ftsDelete.run(id, ...(q.ftsValues.get(id) as unknown[]));
    q.update.run(...row.slice(0, RECORD_KEY_SLOT), ...row.slice(HASH_SLOT + 1), id);
    q.payload.run(ev.raw, attrsJson, id);
    if (indexed) q.ftsInsert.run(ftsRow(id, ev));
    this.sightingStmt.run(id, existing.evidence_id, existing.record_index);
    const evidenceId = row[EVIDENCE_SLOT] as number;
    const recordIndex = row[INDEX_SLOT] as number;
    // The new copy's position may be a sighting already (a case written before copies were compared).
    q.unsight.run(id, evidenceId, recordIndex);
    this.onUpgrade?.({
      eventId: id,
      from: { evidenceId: existing.evidence_id, recordIndex: existing.record_index },
      lossBefore,
      lossAfter: row[LOSS_SLOT] as number,
      ...(reason !== undefined ? { reason } : {}),
    });
  }

  /** Quarantines a record that could not be normalized, keeping its raw text and the reason. */
  quarantine(evidenceId: number, recordIndex: number, location: string, reason: string, raw: string | null): void {
    this.quarantineStmt.run(evidenceId, recordIndex, location, reason, raw);
  }
}

/** Highest event id (0 when empty). */
export function maxEventId(db: Db): number {
  return (db.prepare('SELECT coalesce(max(id), 0) AS m FROM events').get() as { m: number }).m;
}

const FTS_CURSOR = 'fts_indexed_upto';
/**
 * Pending events from which {@link indexPendingEvents} loads with FTS5's automatic merging off.
 * During a bulk load every merge rewrites segments that later flushes grow again: 1M events built
 * in 3.2 s instead of 4.9 s, with the same query times (one-word, prefix, phrase and AND queries);
 * merging resumes with the next writes (a 5k-event write after such a load: 177 ms instead of 42).
 */
export const FTS_BULK_EVENTS = 100_000;
/** FTS5's default `automerge` (restored after a bulk load unless the case set another). */
const FTS_AUTOMERGE_DEFAULT = 4;

/** Sets the full-text index's `automerge` (FTS5 keeps it in `events_fts_config`). */
function setFtsAutomerge(db: Db, value: number): void {
  db.prepare(`INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', ?)`).run(BigInt(value)); // an integer: FTS5 refuses 4.0
}

/**
 * Adds every event not yet in the full-text index, in one statement. Run after each import batch
 * (never per row): trigger-maintained FTS costs about 4x insert throughput. From `bulkFrom`
 * ({@link FTS_BULK_EVENTS}) pending events, without FTS5's automatic merges meanwhile.
 * @returns the number of events indexed.
 */
export function indexPendingEvents(db: Db, bulkFrom = FTS_BULK_EVENTS): number {
  const upto = Number(getSetting(db, FTS_CURSOR) ?? 0);
  const maxId = maxEventId(db);
  if (maxId <= upto) return 0;
  const bulk = maxId - upto >= bulkFrom;
  const write = db.transaction(() => {
    const automerge = bulk
      ? ((db.prepare(`SELECT v FROM events_fts_config WHERE k = 'automerge'`).pluck(true).get() as number | undefined) ??
        FTS_AUTOMERGE_DEFAULT)
      : null;
    if (automerge !== null) setFtsAutomerge(db, 0);
    const info = db
      .prepare(`INSERT INTO events_fts (rowid, ${FTS_COLUMNS}) SELECT id, ${FTS_COLUMNS} FROM events WHERE id > ? AND id <= ?`)
      .run(upto, maxId);
    putSetting(db, FTS_CURSOR, String(maxId));
    if (automerge !== null) setFtsAutomerge(db, automerge);
    return info.changes;
  });
  return write.immediate();
}

/**
 * Opens an inline-FTS batch (call inside the batch's write transaction, before writing): indexes
 * any events another writer left unindexed, so the cursor can move past this batch's events.
 */
export function beginFtsBatch(db: Db): void {
  indexPendingEvents(db);
}

/** Closes an inline-FTS batch (same transaction): every event up to the newest is now indexed. */
export function endFtsBatch(db: Db): void {
  putSetting(db, FTS_CURSOR, String(maxEventId(db)));
}

/** One event by id. */
export function eventById(db: Db, id: number): TimelineEvent | undefined {
  const row = db.prepare(`${FULL_EVENT_SELECT} WHERE e.id = ?`).get(id) as EventRow | undefined;
  return row ? toTimelineEvent(row) : undefined;
}
