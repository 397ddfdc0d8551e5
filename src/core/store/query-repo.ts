/**
 * SQL for searching and aggregating events: compiles a parsed query (`analyze/query`) into a
 * parameterised WHERE clause (values are always bound, never spliced into SQL text) and runs the
 * timeline's queries: keyset pages, counts, histograms, top values, context.
 */
import { cidrRange, isIp, canonicalIp } from '../enrich/ip';
import type { QueryField, QueryNode, TermValue } from '../analyze/query/ast';
import { MailtrailError } from '../../shared/errors';
import type { Db } from './database';
import { GROUP_DIMS, ipsInKeyRange, matchingValues, valueCount, type GroupDim, type ValueDim } from './derived-repo';
import { maxEventId, type EventColumnsRow } from './events-repo';

/** A compiled filter: SQL text with `?` placeholders and the values to bind. */
export interface SqlFilter {
  sql: string;
  params: unknown[];
  /** Set when the filter is `column = ?` on an indexed column (lets AND pick the most selective index). */
  eq?: { column: string; dim: ValueDim | 'id'; value: unknown };
}

/** Options for {@link compileFilter}. */
export interface CompileOptions {
  /** The derived tables are up to date (value resolution through `value_counts`, CIDR through `ip_addresses`). */
  derivedFresh: boolean;
}

/** How each field maps to a column and how its values are normalised. */
const FIELD_COLUMNS: Record<
  Exclude<QueryField, 'tag' | 'star' | 'id'>,
  { column: string; dim: ValueDim; norm: 'lower' | 'upper' | 'none' | 'int' }
> = {
  operation: { column: 'operation', dim: 'operation', norm: 'none' },
  actor: { column: 'actor', dim: 'actor', norm: 'lower' },
  mailbox: { column: 'mailbox', dim: 'mailbox', norm: 'lower' },
  ip: { column: 'client_ip', dim: 'ip', norm: 'lower' },
  country: { column: 'country', dim: 'country', norm: 'upper' },
  asn: { column: 'asn', dim: 'asn', norm: 'int' },
  ua: { column: 'user_agent', dim: 'ua', norm: 'none' },
  app: { column: 'app_id', dim: 'app', norm: 'none' },
  session: { column: 'session_id', dim: 'session', norm: 'none' },
  token: { column: 'token_id', dim: 'token', norm: 'none' },
  device: { column: 'device_id', dim: 'device', norm: 'none' },
  category: { column: 'category', dim: 'category', norm: 'lower' },
  source: { column: 'source', dim: 'source', norm: 'lower' },
  result: { column: 'result', dim: 'result', norm: 'lower' },
  object: { column: 'object', dim: 'operation', norm: 'none' },
};

function withEq(f: SqlFilter, eq: SqlFilter['eq']): SqlFilter {
  return eq ? { ...f, eq } : f;
}

/** Most values a wildcard may expand to before the filter switches to a sub-select. */
const MAX_EXPANSION = 200;

/** `*` wildcards → a LIKE pattern (LIKE is case-insensitive for ASCII); `%`, `_`, `\` escaped. */
function likePattern(text: string, wildcard = true): string {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return wildcard ? escaped.replaceAll('*', '%') : escaped;
}

/** FTS5 query text for one free-text term: always a quoted string (so FTS syntax in user text is inert). */
function ftsTerm(v: TermValue): string {
  const prefix = !v.quoted && v.text.endsWith('*');
  const text = prefix ? v.text.slice(0, -1) : v.text;
  return `"${text.replaceAll('"', '""')}"${prefix ? ' *' : ''}`;
}

/** Columns with an `(column, ts_us)` index (0002 and 0005 migrations). */
const INDEXED = new Set([
  'actor',
  'mailbox',
  'client_ip',
  'session_id',
  'operation',
  'category',
  'source',
  'country',
  'asn',
  'app_id',
  'user_agent',
]);

function eqOf(column: string, dim: ValueDim, value: unknown): SqlFilter['eq'] {
  return INDEXED.has(column) ? { column, dim, value } : undefined;
}

function inList(column: string, values: unknown[], dim: ValueDim): SqlFilter {
  if (values.length === 0) return { sql: '0', params: [] };
  if (values.length === 1) return withEq({ sql: `${column} = ?`, params: values }, eqOf(column, dim, values[0]));
  return { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: values };
}

function compileField(db: Db, field: QueryField, v: TermValue, opts: CompileOptions, column: number): SqlFilter {
  const text = v.text;
  if (field === 'id') return { sql: 'id = ?', params: [Number(text)], eq: { column: 'id', dim: 'id', value: Number(text) } };
  if (field === 'star') {
    const yes = /^(true|yes|1)$/i.test(text);
    return { sql: `id ${yes ? '' : 'NOT '}IN (SELECT event_id FROM stars)`, params: [] };
  }
  if (field === 'tag') {
    if (v.wildcard) {
      return {
        sql: `id IN (SELECT et.event_id FROM event_tags et JOIN tags t ON t.id = et.tag_id WHERE t.name LIKE ? ESCAPE '\\')`,
        params: [likePattern(text, true)],
      };
    }
    return { sql: 'id IN (SELECT et.event_id FROM event_tags et JOIN tags t ON t.id = et.tag_id WHERE t.name = ?)', params: [text] };
  }
  const spec = FIELD_COLUMNS[field];
  if (field === 'ip' && text.includes('/')) {
    let range;
    try {
      range = cidrRange(text);
    } catch {
      throw new MailtrailError('INVALID_INPUT', `query error at column ${column}: ip: "${text}" is not a CIDR block`, { column });
    }
    if (opts.derivedFresh) {
      const ips = ipsInKeyRange(db, range.lo, range.hi, MAX_EXPANSION + 1);
      if (ips.length <= MAX_EXPANSION) return inList('client_ip', ips, 'ip');
      return { sql: 'client_ip IN (SELECT ip FROM ip_addresses WHERE ip_key BETWEEN ? AND ?)', params: [range.lo, range.hi] };
    }
    // Stale derived tables (a read-only case not yet refreshed): match the distinct IPs here.
    const all = db.prepare('SELECT DISTINCT client_ip FROM events WHERE client_ip IS NOT NULL').pluck(true).all() as string[];
    const inside = all.filter((ip) => {
      const key = cidrKey(ip);
      return key !== null && key.compare(range.lo) >= 0 && key.compare(range.hi) <= 0;
    });
    return { sql: 'client_ip IN (SELECT value FROM json_each(?))', params: [JSON.stringify(inside)] };
  }
  if (spec.norm === 'int' && !v.wildcard) {
    const value = Number(text.replace(/^as/i, ''));
    return withEq({ sql: `${spec.column} = ?`, params: [value] }, eqOf(spec.column, spec.dim, value));
  }
  if (!v.wildcard && (spec.norm === 'lower' || spec.norm === 'upper')) {
    let value = spec.norm === 'lower' ? text.toLowerCase() : text.toUpperCase();
    if (field === 'ip' && isIp(value)) value = canonicalIp(value) ?? value;
    return withEq({ sql: `${spec.column} = ?`, params: [value] }, eqOf(spec.column, spec.dim, value));
  }
  if (field === 'object') {
    // Objects are free-form (subjects, rule names): no index by value; match case-insensitively.
    return { sql: `object LIKE ? ESCAPE '\\'`, params: [likePattern(text, v.wildcard)] };
  }
  // Case-insensitive match or wildcard: resolve to the stored spellings through value_counts.
  const pattern = likePattern(text, v.wildcard);
  if (opts.derivedFresh) {
    const values = matchingValues(db, spec.dim, pattern, MAX_EXPANSION + 1);
    if (values.length <= MAX_EXPANSION) return inList(spec.column, spec.norm === 'int' ? values.map(Number) : values, spec.dim);
    return {
      sql: `${spec.column} IN (SELECT ${spec.norm === 'int' ? 'CAST(value AS INTEGER)' : 'value'} FROM value_counts WHERE dim = ? AND value LIKE ? ESCAPE '\\')`,
      params: [spec.dim, pattern],
    };
  }
  return { sql: `${spec.column} LIKE ? ESCAPE '\\'`, params: [pattern] };
}

function cidrKey(ip: string): Buffer | null {
  const c = canonicalIp(ip);
  if (!c) return null;
  // Same key layout as enrich/ip.ts ipKey (IPv4 mapped into ::ffff:0:0/96).
  return cidrRange(`${c}/${c.includes(':') ? 128 : 32}`).lo;
}

/**
 * Compiles a query tree to a WHERE clause. `null` (empty query) compiles to `1`.
 * NOT is compiled as `(x) IS NOT 1`, so events where the field is NULL match `NOT field:value`.
 */
export function compileFilter(db: Db, node: QueryNode | null, opts: CompileOptions): SqlFilter {
  if (!node) return { sql: '1', params: [] };
  switch (node.kind) {
    case 'and': {
      const parts = node.children.map((c) => compileFilter(db, c, opts));
      // Several equalities on indexed columns: keep the index of the rarest value (exact counts are
      // in value_counts) and disqualify the others with unary `+`, so the planner cannot pick a
      // common value's index and filter hundreds of thousands of rows.
      const eqs = parts.filter((p) => p.eq);
      if (eqs.length > 1 && opts.derivedFresh) {
        const cost = (p: SqlFilter) =>
          p.eq!.dim === 'id' ? 0 : (valueCount(db, p.eq!.dim as ValueDim, String(p.eq!.value)) ?? Number.MAX_SAFE_INTEGER);
        const best = eqs.reduce((a, b) => (cost(b) < cost(a) ? b : a));
        for (const p of eqs) if (p !== best) p.sql = `+${p.sql}`;
      }
      return { sql: `(${parts.map((p) => p.sql).join(' AND ')})`, params: parts.flatMap((p) => p.params) };
    }
    case 'or': {
      const parts = node.children.map((c) => compileFilter(db, c, opts));
      return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
    }
    case 'not': {
      const inner = compileFilter(db, node.child, opts);
      return { sql: `((${inner.sql}) IS NOT 1)`, params: inner.params };
    }
    case 'time':
      return node.op === 'after' ? { sql: 'ts_us >= ?', params: [node.us] } : { sql: 'ts_us < ?', params: [node.us] };
    case 'text': {
      const term = ftsTerm(node.value);
      // Rare terms: let the FTS matches drive (few row lookups, then sort). Common terms: walk the
      // time index (or another filter's index) and test membership in the match set, so a first
      // page stops after 100 hits instead of fetching every match. The break-even is about
      // sqrt(3 × events) matches (row fetch ≈ 30× an index entry); the count stops at the limit.
      const breakEven = Math.max(500, Math.round(Math.sqrt(3 * maxEventId(db))));
      const common = ftsMatchesAtLeast(db, term, breakEven);
      return { sql: `${common ? '+' : ''}id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)`, params: [term] };
    }
    case 'field':
      return compileField(db, node.field, node.value, opts, node.column);
  }
}

/** True when an FTS query matches at least `n` events (reads at most `n` doclist entries). */
function ftsMatchesAtLeast(db: Db, term: string, n: number): boolean {
  const found = db.prepare('SELECT count(*) AS c FROM (SELECT rowid FROM events_fts WHERE events_fts MATCH ? LIMIT ?)').get(term, n) as {
    c: number;
  };
  return found.c >= n;
}

/** Columns of a list row (everything but `raw` and `attrs`, plus annotation summaries). */
const LIST_COLUMNS = `id, ts_us, source, record_type, operation, category, actor, mailbox, client_ip, country, asn, as_org, user_agent,
  client_app, app_id, session_id, token_id, device_id, result, object, summary, record_key, evidence_id, record_index, examiner_added,
  (SELECT group_concat(t.name, char(31)) FROM event_tags et JOIN tags t ON t.id = et.tag_id WHERE et.event_id = events.id) AS tag_names,
  EXISTS (SELECT 1 FROM stars s WHERE s.event_id = events.id) AS starred,
  (SELECT count(*) FROM comments c WHERE c.event_id = events.id) AS comment_count`;

/** A list row as selected by {@link eventPage}. */
export interface EventListRow extends EventColumnsRow {
  tag_names: string | null;
  starred: number;
  comment_count: number;
}

/** Inputs of {@link eventPage}. */
export interface PageSpec {
  filter: SqlFilter;
  fromUs?: number | undefined;
  toUs?: number | undefined;
  /** Keyset cursor: the (ts_us, id) of the last row of the previous page. */
  after?: { tsUs: number; id: number } | undefined;
  direction: 'asc' | 'desc';
  limit: number;
}

function rangeSql(fromUs: number | undefined, toUs: number | undefined): SqlFilter {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (fromUs !== undefined) {
    parts.push('ts_us >= ?');
    params.push(fromUs);
  }
  if (toUs !== undefined) {
    parts.push('ts_us < ?');
    params.push(toUs);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

function pageSql(spec: PageSpec, columns: string): { sql: string; params: unknown[] } {
  const range = rangeSql(spec.fromUs, spec.toUs);
  const params: unknown[] = [...spec.filter.params, ...range.params];
  let cursor = '1';
  if (spec.after) {
    cursor = spec.direction === 'asc' ? '(ts_us, id) > (?, ?)' : '(ts_us, id) < (?, ?)';
    params.push(spec.after.tsUs, spec.after.id);
  }
  const dir = spec.direction === 'asc' ? 'ASC' : 'DESC';
  params.push(spec.limit);
  return {
    sql: `SELECT ${columns} FROM events WHERE ${spec.filter.sql} AND ${range.sql} AND ${cursor} ORDER BY ts_us ${dir}, id ${dir} LIMIT ?`,
    params,
  };
}

/** One keyset page of events in time order. */
export function eventPage(db: Db, spec: PageSpec): EventListRow[] {
  const { sql, params } = pageSql(spec, LIST_COLUMNS);
  return db.prepare(sql).all(...params) as EventListRow[];
}

/** Ids of every event matching a filter (for bulk tagging), in time order. */
export function matchingIds(db: Db, filter: SqlFilter, fromUs?: number, toUs?: number, limit = 1_000_000): number[] {
  const range = rangeSql(fromUs, toUs);
  return db
    .prepare(`SELECT id FROM events WHERE ${filter.sql} AND ${range.sql} ORDER BY ts_us, id LIMIT ?`)
    .pluck(true)
    .all(...filter.params, ...range.params, limit) as number[];
}

/** `EXPLAIN QUERY PLAN` details of a page query (for tests and the benchmark). */
export function explainPage(db: Db, spec: PageSpec): string[] {
  const { sql, params } = pageSql(spec, 'id');
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
}

/** Number of events matching a filter in a range. */
export function countMatching(db: Db, filter: SqlFilter, fromUs?: number, toUs?: number): number {
  const range = rangeSql(fromUs, toUs);
  return (
    db.prepare(`SELECT count(*) AS n FROM events WHERE ${filter.sql} AND ${range.sql}`).get(...filter.params, ...range.params) as {
      n: number;
    }
  ).n;
}

/** Time span of the events matching a filter (null when none). */
export function timeSpan(db: Db, filter: SqlFilter): { minUs: number; maxUs: number } | null {
  const min = db
    .prepare(`SELECT ts_us FROM events WHERE ${filter.sql} ORDER BY ts_us ASC LIMIT 1`)
    .pluck(true)
    .get(...filter.params) as number | undefined;
  if (min === undefined) return null;
  const max = db
    .prepare(`SELECT ts_us FROM events WHERE ${filter.sql} ORDER BY ts_us DESC LIMIT 1`)
    .pluck(true)
    .get(...filter.params) as number;
  return { minUs: min, maxUs: max };
}

/** Column holding each group dimension. */
export const GROUP_COLUMNS: Record<GroupDim, string> = {
  category: 'category',
  source: 'source',
  mailbox: 'mailbox',
  ip: 'client_ip',
  session: 'session_id',
  actor: 'actor',
};

/** Histogram counts by scanning events (the filter's index, or the time index). */
export function scanHistogram(
  db: Db,
  filter: SqlFilter,
  originUs: number,
  endUs: number,
  bucketUs: number,
): { bucket: number; n: number }[] {
  return db
    .prepare(
      `SELECT CAST((ts_us - ?) / ? AS INTEGER) AS bucket, count(*) AS n FROM events WHERE ${filter.sql} AND ts_us >= ? AND ts_us < ? GROUP BY bucket ORDER BY bucket`,
    )
    .all(originUs, bucketUs, ...filter.params, originUs, endUs) as { bucket: number; n: number }[];
}

/** Per-group histogram counts by scanning events; `groups` limits the groups returned. */
export function scanGroupHistogram(
  db: Db,
  filter: SqlFilter,
  dim: GroupDim,
  groups: string[],
  originUs: number,
  endUs: number,
  bucketUs: number,
): { g: string; bucket: number; n: number }[] {
  const col = GROUP_COLUMNS[dim];
  // One indexed lookup per named group; the '' group (no value) separately, as IS NULL.
  const named = groups.filter((g) => g !== '');
  const rows = named.length
    ? (db
        .prepare(
          `SELECT ${col} AS g, CAST((ts_us - ?) / ? AS INTEGER) AS bucket, count(*) AS n FROM events
           WHERE ${filter.sql} AND ts_us >= ? AND ts_us < ? AND ${col} IN (SELECT value FROM json_each(?))
           GROUP BY g, bucket`,
        )
        .all(originUs, bucketUs, ...filter.params, originUs, endUs, JSON.stringify(named)) as { g: string; bucket: number; n: number }[])
    : [];
  if (groups.includes('')) {
    rows.push(
      ...(db
        .prepare(
          `SELECT '' AS g, CAST((ts_us - ?) / ? AS INTEGER) AS bucket, count(*) AS n FROM events
           WHERE ${filter.sql} AND ts_us >= ? AND ts_us < ? AND ${col} IS NULL GROUP BY bucket`,
        )
        .all(originUs, bucketUs, ...filter.params, originUs, endUs) as { g: string; bucket: number; n: number }[]),
    );
  }
  return rows;
}

/** Histogram counts from the pre-aggregated `timeline_buckets` at level `widthS`. */
export function aggregateHistogram(
  db: Db,
  widthS: number,
  originUs: number,
  endUs: number,
  bucketUs: number,
): { bucket: number; n: number }[] {
  return db
    .prepare(
      `SELECT CAST((bucket_us - ?) / ? AS INTEGER) AS bucket, sum(n) AS n FROM timeline_buckets
       WHERE width_s = ? AND dim = '' AND value = '' AND bucket_us >= ? AND bucket_us < ? GROUP BY bucket ORDER BY bucket`,
    )
    .all(originUs, bucketUs, widthS, originUs, endUs) as { bucket: number; n: number }[];
}

/** Per-group counts from `timeline_buckets`. */
export function aggregateGroupHistogram(
  db: Db,
  widthS: number,
  dim: GroupDim,
  groups: string[],
  originUs: number,
  endUs: number,
  bucketUs: number,
): { g: string; bucket: number; n: number }[] {
  return db
    .prepare(
      `SELECT value AS g, CAST((bucket_us - ?) / ? AS INTEGER) AS bucket, sum(n) AS n FROM timeline_buckets
       WHERE width_s = ? AND dim = ? AND value IN (SELECT value FROM json_each(?)) AND bucket_us >= ? AND bucket_us < ?
       GROUP BY g, bucket`,
    )
    .all(originUs, bucketUs, widthS, dim, JSON.stringify(groups), originUs, endUs) as { g: string; bucket: number; n: number }[];
}

/** Top groups by count in a range, from `timeline_buckets`. */
export function aggregateTopGroups(
  db: Db,
  widthS: number,
  dim: GroupDim,
  originUs: number,
  endUs: number,
  limit: number,
): { value: string; n: number }[] {
  return db
    .prepare(
      `SELECT value, sum(n) AS n FROM timeline_buckets WHERE width_s = ? AND dim = ? AND bucket_us >= ? AND bucket_us < ?
       GROUP BY value ORDER BY n DESC, value LIMIT ?`,
    )
    .all(widthS, dim, originUs, endUs, limit) as { value: string; n: number }[];
}

/** Top values of a column among matching events. */
export function topValues(
  db: Db,
  column: string,
  filter: SqlFilter,
  fromUs: number | undefined,
  toUs: number | undefined,
  limit: number,
): { value: string; n: number }[] {
  if (!/^[a-z_]+$/.test(column)) throw new MailtrailError('INTERNAL', `bad column ${column}`);
  const range = rangeSql(fromUs, toUs);
  return db
    .prepare(
      `SELECT ${column} AS value, count(*) AS n FROM events WHERE ${filter.sql} AND ${range.sql} AND ${column} IS NOT NULL
       GROUP BY ${column} ORDER BY n DESC, value LIMIT ?`,
    )
    .all(...filter.params, ...range.params, limit) as { value: string; n: number }[];
}

/** `EXPLAIN QUERY PLAN` of an arbitrary read (tests, benchmark). */
export function explain(db: Db, sql: string, params: unknown[]): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
}

export { GROUP_DIMS };
