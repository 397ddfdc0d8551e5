/**
 * The timeline's queries over an open case: keyset pages, counts, histograms with an automatic
 * bucket size (and per-group series), top values, context around an event and pivots. Every
 * function takes a query string in the search language (`docs/search.md`).
 */
import { MailtrailError } from '../../shared/errors';
import type { EventCursor, EventField, EventListItem, EventPage, Histogram, TimelineGroup, TopValue } from '../../shared/model/analysis';
import type { TimelineEvent } from '../../shared/model/event';
import type { CaseSession } from '../case/case-file';
import { eventById } from '../store/events-repo';
import { topValueCounts, VALUE_DIMS, type ValueDim } from '../store/derived-repo';
import {
  aggregateGroupHistogram,
  aggregateHistogram,
  aggregateTopGroups,
  compileFilter,
  countMatching,
  eventPage,
  explainPage,
  scanGroupHistogram,
  scanHistogram,
  timeSpan,
  topValues,
  GROUP_COLUMNS,
  type EventListRow,
  type SqlFilter,
} from '../store/query-repo';
import { ensureFresh } from './freshness';
import { parseQuery, quoteValue } from './query/parse';

/** The session parts queries need. */
export type QuerySession = Pick<CaseSession, 'db' | 'readOnly' | 'clock'>;

/** Parses and compiles a query string into a bound SQL filter (refreshing indexes first). */
export function filterFor(session: QuerySession, query: string | undefined): SqlFilter {
  const fresh = ensureFresh(session);
  const ast = parseQuery(query ?? '', session.clock());
  return compileFilter(session.db, ast, fresh);
}

function toItem(r: EventListRow): EventListItem {
  return {
    id: r.id,
    tsUs: r.ts_us,
    source: r.source as EventListItem['source'],
    recordType: r.record_type,
    operation: r.operation,
    category: r.category as EventListItem['category'],
    actor: r.actor,
    mailbox: r.mailbox,
    clientIp: r.client_ip,
    country: r.country,
    asn: r.asn,
    asOrg: r.as_org,
    userAgent: r.user_agent,
    clientApp: r.client_app,
    appId: r.app_id,
    sessionId: r.session_id,
    tokenId: r.token_id,
    deviceId: r.device_id,
    result: r.result,
    object: r.object,
    summary: r.summary,
    recordKey: r.record_key,
    evidenceId: r.evidence_id,
    recordIndex: r.record_index,
    examinerAdded: r.examiner_added === 1,
    tags: r.tag_names ? r.tag_names.split('\u001f') : [],
    starred: r.starred === 1,
    comments: r.comment_count,
  };
}

/** Inputs of {@link queryEvents}. */
export interface EventQuery {
  query?: string | undefined;
  fromUs?: number | undefined;
  toUs?: number | undefined;
  /** Rows per page (default 100, at most 1000). */
  limit?: number | undefined;
  /** The `next` cursor of the previous page. */
  after?: EventCursor | null | undefined;
  /** Oldest first (default) or newest first. */
  direction?: 'asc' | 'desc' | undefined;
}

/** One keyset page of matching events in time order. */
export function queryEvents(session: QuerySession, q: EventQuery): EventPage {
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
  const rows = eventPage(session.db, {
    filter: filterFor(session, q.query),
    fromUs: q.fromUs,
    toUs: q.toUs,
    after: q.after ?? undefined,
    direction: q.direction ?? 'asc',
    limit: limit + 1,
  });
  const more = rows.length > limit;
  const events = rows.slice(0, limit).map(toItem);
  const last = events[events.length - 1];
  return { events, next: more && last ? { tsUs: last.tsUs, id: last.id } : null };
}

/** The query plan of the page query (each line of `EXPLAIN QUERY PLAN`). */
export function explainQuery(session: QuerySession, q: EventQuery): string[] {
  return explainPage(session.db, {
    filter: filterFor(session, q.query),
    fromUs: q.fromUs,
    toUs: q.toUs,
    after: q.after ?? undefined,
    direction: q.direction ?? 'asc',
    limit: q.limit ?? 100,
  });
}

/** Number of matching events. */
export function countEvents(session: QuerySession, q: Pick<EventQuery, 'query' | 'fromUs' | 'toUs'>): number {
  return countMatching(session.db, filterFor(session, q.query), q.fromUs, q.toUs);
}

/** One event with its raw record and attrs. */
export function getEvent(session: QuerySession, id: number): TimelineEvent {
  const ev = eventById(session.db, id);
  if (!ev) throw new MailtrailError('NOT_FOUND', `no event ${id}`);
  return ev;
}

const S = 1_000_000;
/** Bucket sizes the histogram chooses from (µs). */
export const BUCKET_SIZES_US = [
  1,
  2,
  5,
  10,
  15,
  30,
  60,
  120,
  300,
  600,
  900,
  1800,
  3600,
  7200,
  10800,
  21600,
  43200,
  86400,
  2 * 86400,
  7 * 86400,
  14 * 86400,
  30 * 86400,
  91 * 86400,
  365 * 86400,
].map((s) => s * S);

/** The smallest bucket size giving at most `maxBuckets` buckets over a span. */
export function chooseBucket(spanUs: number, maxBuckets: number): number {
  for (const b of BUCKET_SIZES_US) if (Math.ceil(spanUs / b) <= maxBuckets) return b;
  return BUCKET_SIZES_US[BUCKET_SIZES_US.length - 1]!;
}

/** Inputs of {@link histogram}. */
export interface HistogramQuery {
  query?: string | undefined;
  fromUs?: number | undefined;
  toUs?: number | undefined;
  /** Target number of buckets at most (default 200, 10..2000). */
  maxBuckets?: number | undefined;
  groupBy?: TimelineGroup | undefined;
  /** Groups to return series for; default the `topGroups` largest in the range. */
  groups?: string[] | undefined;
  topGroups?: number | undefined;
}

/** Levels of `timeline_buckets` (see `store/derived-repo.ts`), coarsest first. */
const LEVELS = [
  { widthUs: 86400 * S, dims: ['', 'category', 'source', 'mailbox', 'ip', 'session', 'actor'] },
  { widthUs: 3600 * S, dims: ['', 'category', 'source'] },
  { widthUs: 60 * S, dims: [''] },
];
/** Groups kept only per day: long-range grouped histograms round their buckets up to a day. */
const DAY_ONLY_GROUPS = new Set(['mailbox', 'ip', 'session', 'actor']);

/**
 * Event counts over a range in automatically sized buckets, optionally with per-group series.
 * Unfiltered histograms read the pre-aggregated `timeline_buckets` whenever the bucket size is a
 * multiple of a stored level (minute, hour, day); filtered ones, and sub-minute buckets, scan the
 * filter's index or the time index over the range.
 */
export function histogram(session: QuerySession, q: HistogramQuery): Histogram {
  const db = session.db;
  const fresh = ensureFresh(session);
  const ast = parseQuery(q.query ?? '', session.clock());
  const filter = compileFilter(db, ast, fresh);
  const maxBuckets = Math.min(Math.max(q.maxBuckets ?? 200, 10), 2000);
  let fromUs = q.fromUs;
  let toUs = q.toUs;
  if (fromUs === undefined || toUs === undefined) {
    const span = timeSpan(db, filter);
    if (!span) return { fromUs: fromUs ?? 0, toUs: toUs ?? 0, bucketUs: 60 * S, counts: [], total: 0, series: [], plan: 'empty' };
    fromUs ??= span.minUs;
    toUs ??= span.maxUs + 1;
  }
  if (toUs <= fromUs) throw new MailtrailError('INVALID_INPUT', 'histogram: the range end must be after its start');
  let bucketUs = chooseBucket(toUs - fromUs, maxBuckets);
  // Per-user/IP/session series over long ranges come from day totals: use day buckets there.
  if (q.groupBy && DAY_ONLY_GROUPS.has(q.groupBy) && bucketUs >= 6 * 3600 * S && bucketUs < 86400 * S) bucketUs = 86400 * S;
  const origin = Math.floor(fromUs / bucketUs) * bucketUs;
  const end = Math.ceil(toUs / bucketUs) * bucketUs;
  const n = Math.round((end - origin) / bucketUs);
  const level = ast === null && fresh.derivedFresh ? LEVELS.find((l) => bucketUs % l.widthUs === 0) : undefined;
  const groupLevel = level && q.groupBy && level.dims.includes(q.groupBy) ? level : undefined;

  const counts = new Array<number>(n).fill(0);
  const rows = level ? aggregateHistogram(db, level.widthUs / S, origin, end, bucketUs) : scanHistogram(db, filter, origin, end, bucketUs);
  for (const r of rows) if (r.bucket >= 0 && r.bucket < n) counts[r.bucket] = r.n;
  const plan = level ? `aggregate:${level.widthUs / S}s` : `scan:${planIndex(session, q.query, origin, end)}`;

  const series: Histogram['series'] = [];
  let seriesPlan = '';
  if (q.groupBy) {
    const dim = q.groupBy;
    let groups = q.groups;
    if (!groups) {
      const top = q.topGroups ?? 8;
      // Ranking only needs approximate totals: over two days or more, read the day aggregates
      // (whole days around the range); shorter ranges are cheap to count exactly.
      const DAY_US = 86400 * S;
      if (ast === null && fresh.derivedFresh && end - origin >= 2 * DAY_US) {
        groups = aggregateTopGroups(db, 86400, dim, Math.floor(origin / DAY_US) * DAY_US, end, top).map((g) => g.value);
      } else {
        groups = topValues(db, GROUP_COLUMNS[dim], filter, origin, end, top).map((g) => g.value);
      }
    }
    const byGroup = new Map(groups.map((g) => [g, new Array<number>(n).fill(0)]));
    const groupRows = groupLevel
      ? aggregateGroupHistogram(db, groupLevel.widthUs / S, dim, groups, origin, end, bucketUs)
      : scanGroupHistogram(db, filter, dim, groups, origin, end, bucketUs);
    for (const r of groupRows) {
      const arr = byGroup.get(r.g);
      if (arr && r.bucket >= 0 && r.bucket < n) arr[r.bucket] = r.n;
    }
    for (const g of groups) {
      const c = byGroup.get(g)!;
      series.push({ group: g, counts: c, total: c.reduce((a, b) => a + b, 0) });
    }
    seriesPlan = groupLevel ? ` series:aggregate:${groupLevel.widthUs / S}s` : ' series:scan';
  }
  return { fromUs: origin, toUs: end, bucketUs, counts, total: counts.reduce((a, b) => a + b, 0), series, plan: plan + seriesPlan };
}

function planIndex(session: QuerySession, query: string | undefined, fromUs: number, toUs: number): string {
  const plan = explainQuery(session, { query, fromUs, toUs }).join('; ');
  const m = /USING (?:COVERING )?INDEX (\w+)/.exec(plan) ?? /(SCAN \w+|SEARCH \w+)/.exec(plan);
  return m ? m[1]! : plan;
}

/** Column of each field for top values: the same map `value_counts` is built from (one field list). */
const FIELD_COLUMN: Record<EventField, string> & Record<ValueDim, string> = VALUE_DIMS;

/** Most frequent values of a field among matching events (whole case: from `value_counts`). */
export function topFieldValues(
  session: QuerySession,
  q: { field: EventField; query?: string | undefined; fromUs?: number | undefined; toUs?: number | undefined; limit?: number | undefined },
): TopValue[] {
  const limit = Math.min(Math.max(q.limit ?? 20, 1), 500);
  const filter = filterFor(session, q.query);
  if (filter.sql === '1' && q.fromUs === undefined && q.toUs === undefined && ensureFresh(session).derivedFresh) {
    return topValueCounts(session.db, q.field, limit).map((v) => ({ value: v.value, n: v.n }));
  }
  return topValues(session.db, FIELD_COLUMN[q.field], filter, q.fromUs, q.toUs, limit).map((v) => ({ value: String(v.value), n: v.n }));
}

/**
 * Events around one event: ± `minutes` of the same actor (or, when the event has no actor, of the
 * same mailbox; failing that, of everyone), in time order.
 */
export function eventContext(
  session: QuerySession,
  q: { id: number; minutes?: number | undefined; limit?: number | undefined },
): {
  event: EventListItem;
  query: string;
  fromUs: number;
  toUs: number;
  events: EventListItem[];
} {
  const ev = getEvent(session, q.id);
  const minutes = Math.min(Math.max(q.minutes ?? 30, 1), 7 * 24 * 60);
  const fromUs = ev.tsUs - minutes * 60 * S;
  const toUs = ev.tsUs + minutes * 60 * S + 1;
  const query = ev.actor ? `actor:${quoteValue(ev.actor)}` : ev.mailbox ? `mailbox:${quoteValue(ev.mailbox)}` : '';
  const page = queryEvents(session, { query, fromUs, toUs, limit: q.limit ?? 500 });
  const self = page.events.find((e) => e.id === ev.id) ?? queryEvents(session, { query: `id:${ev.id}` }).events[0]!;
  return { event: self, query, fromUs, toUs, events: page.events };
}

/** What a pivot follows. */
export type PivotKind = 'session' | 'ip' | 'ua' | 'app' | 'token' | 'actor' | 'device';

/**
 * Pivots from an event to every event sharing one of its values (same session, IP, user agent,
 * app, token, device or actor). Returns the query that expresses the pivot (for the search box)
 * and its first page.
 */
export function pivot(
  session: QuerySession,
  q: { id: number; by: PivotKind; limit?: number | undefined },
): { query: string; page: EventPage } {
  const ev = getEvent(session, q.id);
  const value = {
    session: ev.sessionId,
    ip: ev.clientIp,
    ua: ev.userAgent,
    app: ev.appId,
    token: ev.tokenId,
    actor: ev.actor,
    device: ev.deviceId,
  }[q.by];
  if (!value) throw new MailtrailError('NOT_FOUND', `event ${q.id} has no ${q.by} to pivot on`);
  const query = `${q.by}:${quoteValue(value)}`;
  return { query, page: queryEvents(session, { query, limit: q.limit ?? 100 }) };
}
