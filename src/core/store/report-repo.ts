/**
 * Read-only SQL for the report and the exports over the foundation tables (`events`, `quarantine`,
 * `custody`, `evidence_sightings`). Annotations, findings, sessions, enrichment sources and
 * collection gaps are read through their owners' functions, not here.
 */
import type { EvidenceOrigin } from '../../shared/model/evidence';
import type { PageRole } from '../../shared/model/ingest';
import type { Db } from './database';
import { FULL_EVENT_SELECT, toTimelineEvent, type EventRow } from './events-repo';
import type { TimelineEvent } from '../../shared/model/event';

/** Events per source with their time span. */
export interface SourceSpan {
  source: string;
  events: number;
  firstUs: number;
  lastUs: number;
}

/** Events and time span per source. */
export function sourceSpans(db: Db): SourceSpan[] {
  return db
    .prepare(
      `SELECT source, count(*) AS events, min(ts_us) AS firstUs, max(ts_us) AS lastUs
       FROM events WHERE examiner_added = 0 GROUP BY source ORDER BY source`,
    )
    .all() as SourceSpan[];
}

/** A value seen in events with its count and span. */
export interface ValueSpan {
  value: string;
  events: number;
  firstUs: number;
  lastUs: number;
}

/** The most frequent values of `actor` or `mailbox`, and how many distinct values there are. */
export function topUsers(db: Db, column: 'actor' | 'mailbox', limit: number): { total: number; rows: ValueSpan[] } {
  const total = (db.prepare(`SELECT count(DISTINCT ${column}) AS n FROM events WHERE ${column} IS NOT NULL`).get() as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT ${column} AS value, count(*) AS events, min(ts_us) AS firstUs, max(ts_us) AS lastUs
       FROM events WHERE ${column} IS NOT NULL GROUP BY ${column} ORDER BY events DESC, value LIMIT ?`,
    )
    .all(limit) as ValueSpan[];
  return { total, rows };
}

/** Quarantined records per evidence item. */
export function quarantineByEvidence(db: Db): Map<number, number> {
  const rows = db.prepare('SELECT evidence_id AS id, count(*) AS n FROM quarantine GROUP BY evidence_id').all() as {
    id: number;
    n: number;
  }[];
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** An `import.evidence` journal entry that judged an item's completeness, with the item's origin. */
export interface ImportJudgement {
  evidenceId: number;
  format: string;
  /** What the item showed on its own. */
  warnings: string[];
  /** Set for a file of one page (`linked` or `last`). */
  pageRole: PageRole | null;
  /** The pull of a `linked` page (`page_pull`); null when not journaled (imports before pulls were told apart). */
  pull: string | null;
  origin: EvidenceOrigin;
}

/** The `import.evidence` entries that carry warnings or a page role, in journal order. */
export function importJudgements(db: Db): ImportJudgement[] {
  const rows = db
    .prepare(
      `SELECT c.details, i.origin FROM custody c JOIN evidence_items i ON i.id = json_extract(c.details, '$.evidence_id')
       WHERE c.action = 'import.evidence'
         AND (json_extract(c.details, '$.warnings') IS NOT NULL OR json_extract(c.details, '$.page_role') IS NOT NULL)
       ORDER BY c.seq`,
    )
    .all() as { details: string; origin: string }[];
  return rows.map((r) => {
    const d = JSON.parse(r.details) as {
      evidence_id: number;
      format: string;
      warnings?: unknown;
      page_role?: unknown;
      page_pull?: unknown;
    };
    return {
      evidenceId: d.evidence_id,
      format: d.format,
      warnings: Array.isArray(d.warnings) ? d.warnings.filter((w): w is string => typeof w === 'string') : [],
      pageRole: d.page_role === 'linked' || d.page_role === 'last' ? d.page_role : null,
      pull: typeof d.page_pull === 'string' ? d.page_pull : null,
      origin: JSON.parse(r.origin) as EvidenceOrigin,
    };
  });
}

/**
 * The warnings an import journaled about an item's bytes themselves (`import.incomplete` with
 * `kind: 'cut'`: a gzip file or zip archive cut off or damaged), which no later import changes, in
 * journal order.
 */
export function itemCutWarnings(db: Db): { evidenceId: number; warning: string }[] {
  return db
    .prepare(
      `SELECT json_extract(c.details, '$.evidence_id') AS evidenceId, json_extract(c.details, '$.warning') AS warning
       FROM custody c JOIN evidence_items i ON i.id = json_extract(c.details, '$.evidence_id')
       WHERE c.action = 'import.incomplete' AND json_extract(c.details, '$.kind') = 'cut'
       ORDER BY c.seq`,
    )
    .all() as { evidenceId: number; warning: string }[];
}

/** Events first read from each evidence item. */
export function eventsByEvidence(db: Db): Map<number, number> {
  const rows = db.prepare('SELECT evidence_id AS id, count(*) AS n FROM events GROUP BY evidence_id').all() as { id: number; n: number }[];
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** Repeat acquisitions (sightings) per evidence item. */
export function sightingsByEvidence(db: Db): Map<number, number> {
  const rows = db.prepare('SELECT evidence_id AS id, count(*) AS n FROM evidence_sightings GROUP BY evidence_id').all() as {
    id: number;
    n: number;
  }[];
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** Time span of all events (null when there are none). */
export function eventSpan(db: Db): { firstUs: number; lastUs: number; events: number } | null {
  const row = db.prepare('SELECT min(ts_us) AS firstUs, max(ts_us) AS lastUs, count(*) AS events FROM events').get() as {
    firstUs: number | null;
    lastUs: number | null;
    events: number;
  };
  return row.firstUs === null || row.lastUs === null ? null : { firstUs: row.firstUs, lastUs: row.lastUs, events: row.events };
}

/** Event counts per bin of `binUs` starting at `startUs` (bins without events are absent). */
export function histogram(db: Db, startUs: number, binUs: number, endUs: number): Map<number, number> {
  const rows = db
    // Parameters arrive as REAL from JavaScript: cast so the division is an integer one.
    .prepare(
      'SELECT (ts_us - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS bin, count(*) AS n FROM events WHERE ts_us >= ? AND ts_us < ? GROUP BY bin',
    )
    .all(startUs, binUs, startUs, endUs) as { bin: number; n: number }[];
  return new Map(rows.map((r) => [r.bin, r.n]));
}

/** One client IP with what the events say about it. */
export interface IpRow {
  ip: string;
  events: number;
  users: number;
  firstUs: number;
  lastUs: number;
  country: string | null;
  asn: number | null;
  asOrg: string | null;
}

/** Client IPs by event count (most first). */
export function ipRows(db: Db, limit: number): { total: number; rows: IpRow[] } {
  const total = (db.prepare('SELECT count(DISTINCT client_ip) AS n FROM events WHERE client_ip IS NOT NULL').get() as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT client_ip AS ip, count(*) AS events, count(DISTINCT coalesce(actor, mailbox)) AS users,
              min(ts_us) AS firstUs, max(ts_us) AS lastUs, max(country) AS country, max(asn) AS asn, max(as_org) AS asOrg
       FROM events WHERE client_ip IS NOT NULL GROUP BY client_ip ORDER BY events DESC, ip LIMIT ?`,
    )
    .all(limit) as IpRow[];
  return { total, rows };
}

/** The rows of specific client IPs (for IPs of tagged events beyond the top list). */
export function ipRowsFor(db: Db, ips: string[]): IpRow[] {
  const stmt = db.prepare(
    `SELECT client_ip AS ip, count(*) AS events, count(DISTINCT coalesce(actor, mailbox)) AS users,
            min(ts_us) AS firstUs, max(ts_us) AS lastUs, max(country) AS country, max(asn) AS asn, max(as_org) AS asOrg
     FROM events WHERE client_ip = ? GROUP BY client_ip`,
  );
  return ips.map((ip) => stmt.get(ip) as IpRow | undefined).filter((r): r is IpRow => r !== undefined);
}

/** Events an examiner added by hand, in time order. */
export function examinerAddedEvents(db: Db): TimelineEvent[] {
  return (db.prepare(`${FULL_EVENT_SELECT} WHERE e.examiner_added = 1 ORDER BY e.ts_us, e.id`).all() as EventRow[]).map(toTimelineEvent);
}

/** Events by id, in time order (ids that do not exist are skipped). */
export function eventsByIds(db: Db, ids: readonly number[]): TimelineEvent[] {
  const stmt = db.prepare(`${FULL_EVENT_SELECT} WHERE e.id = ?`);
  const out: TimelineEvent[] = [];
  for (const id of ids) {
    const row = stmt.get(id) as EventRow | undefined;
    if (row) out.push(toTimelineEvent(row));
  }
  return out.sort((a, b) => a.tsUs - b.tsUs || a.id - b.id);
}

/**
 * A page of events in time order after the position `after` (keyset paging, so other statements
 * can run between pages, which an open cursor would forbid).
 */
export function eventsPage(db: Db, after: { tsUs: number; id: number } | null, limit: number): TimelineEvent[] {
  const rows = after
    ? (db
        .prepare(`${FULL_EVENT_SELECT} WHERE (e.ts_us, e.id) > (?, ?) ORDER BY e.ts_us, e.id LIMIT ?`)
        .all(after.tsUs, after.id, limit) as EventRow[])
    : (db.prepare(`${FULL_EVENT_SELECT} ORDER BY e.ts_us, e.id LIMIT ?`).all(limit) as EventRow[]);
  return rows.map(toTimelineEvent);
}

/** Journal entries per action and per examiner, with the journal's time span. */
export function journalSummary(db: Db): {
  byAction: { action: string; entries: number; firstUs: number; lastUs: number }[];
  byExaminer: { examiner: string; entries: number; firstUs: number; lastUs: number }[];
} {
  return {
    byAction: db
      .prepare(
        'SELECT action, count(*) AS entries, min(at_us) AS firstUs, max(at_us) AS lastUs FROM custody GROUP BY action ORDER BY action',
      )
      .all() as { action: string; entries: number; firstUs: number; lastUs: number }[],
    byExaminer: db
      .prepare(
        'SELECT examiner, count(*) AS entries, min(at_us) AS firstUs, max(at_us) AS lastUs FROM custody GROUP BY examiner ORDER BY min(seq)',
      )
      .all() as { examiner: string; entries: number; firstUs: number; lastUs: number }[],
  };
}

/** The most recent journal entry with `action`, if any. */
export function lastEntryWithAction(db: Db, action: string): { seq: number; at_us: number; examiner: string; details: string } | undefined {
  return db.prepare('SELECT seq, at_us, examiner, details FROM custody WHERE action = ? ORDER BY seq DESC LIMIT 1').get(action) as
    { seq: number; at_us: number; examiner: string; details: string } | undefined;
}
