/**
 * Derived tables the analysis engine keeps beside `events`, rebuilt in bulk after imports (never by
 * trigger, like the FTS index): `value_counts`, `timeline_buckets` and `ip_addresses`. A cursor in
 * `settings` remembers the last event folded in; {@link refreshDerived} folds in the rest in one
 * pass over the new rows, chunk by chunk so memory stays bounded.
 */
import { putSetting } from './case-repo';
import type { Db } from './database';
import { maxEventId } from './events-repo';

/** Dimensions kept in `value_counts`, with the events column each reads. */
export const VALUE_DIMS = {
  operation: 'operation',
  category: 'category',
  source: 'source',
  actor: 'actor',
  mailbox: 'mailbox',
  ip: 'client_ip',
  country: 'country',
  asn: 'asn',
  ua: 'user_agent',
  app: 'app_id',
  session: 'session_id',
  token: 'token_id',
  device: 'device_id',
  result: 'result',
} as const;
export type ValueDim = keyof typeof VALUE_DIMS;

/** Group dimensions with per-group histogram series in `timeline_buckets`. */
export const GROUP_DIMS = ['category', 'source', 'mailbox', 'ip', 'session', 'actor'] as const;
export type GroupDim = (typeof GROUP_DIMS)[number];

/**
 * Bucket widths (seconds) kept in `timeline_buckets`, and which group dims each level holds. Totals
 * go down to the minute; low-cardinality groups to the hour; high-cardinality groups (one row per
 * value and bucket) only to the day, which keeps the table a small fraction of the events.
 */
export const BUCKET_LEVELS: readonly { widthS: number; dims: readonly ('' | GroupDim)[] }[] = [
  { widthS: 60, dims: [''] },
  { widthS: 3600, dims: ['', 'category', 'source'] },
  { widthS: 86400, dims: ['', ...GROUP_DIMS] },
];

const CURSOR = 'derived_indexed_upto';
const CHUNK = 250_000;

/** Enrichment row for one IP (computed by `core/enrich`). */
export interface IpAddressRow {
  ip: string;
  ip_key: Buffer;
  country: string | null;
  asn: number | null;
  as_org: string | null;
  flags: string;
  city: string | null;
  region: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** Last event id folded into the derived tables. */
export function derivedCursor(db: Db): number {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(CURSOR) as { value: string } | undefined;
  return Number(row?.value ?? 0);
}

/** True when every event is folded into the derived tables. */
export function derivedFresh(db: Db): boolean {
  return derivedCursor(db) >= maxEventId(db);
}

/**
 * Empties `value_counts` and `timeline_buckets` and rewinds the cursor, so the next
 * {@link refreshDerived} folds every event in again: for when a folded event changed (a fuller copy
 * of its record took its place, `EventWriter`), which counts cannot be taken back from (the first
 * and last times). `ip_addresses` stays: it describes addresses, not events. Call inside the
 * transaction that changed the event.
 */
export function resetDerived(db: Db): void {
  db.exec('DELETE FROM value_counts; DELETE FROM timeline_buckets');
  putSetting(db, CURSOR, '0');
}

/**
 * Folds events added since the last refresh into `value_counts`, `timeline_buckets` and
 * `ip_addresses` (new IPs described by `describeIp`). Each chunk commits with the cursor, so an
 * interrupted refresh resumes where it stopped.
 * @returns the number of events folded in.
 */
export function refreshDerived(db: Db, describeIp: (ip: string) => IpAddressRow | null): number {
  const maxId = maxEventId(db);
  let from = derivedCursor(db);
  const start = from;
  if (maxId <= from) return 0;
  const select = db
    .prepare(
      `SELECT id, ts_us, operation, category, source, actor, mailbox, client_ip, country, asn, user_agent, app_id,
              session_id, token_id, device_id, result
       FROM events WHERE id > ? AND id <= ? ORDER BY id`,
    )
    .raw(true);
  const upValue = db.prepare(
    `INSERT INTO value_counts (dim, value, n, first_us, last_us) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (dim, value) DO UPDATE SET n = n + excluded.n, first_us = min(first_us, excluded.first_us), last_us = max(last_us, excluded.last_us)`,
  );
  const upBucket = db.prepare(
    `INSERT INTO timeline_buckets (width_s, dim, value, bucket_us, n) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (width_s, dim, value, bucket_us) DO UPDATE SET n = n + excluded.n`,
  );
  const hasIp = db.prepare('SELECT 1 FROM ip_addresses WHERE ip = ?').pluck(true);
  const insIp = db.prepare(
    `INSERT INTO ip_addresses (ip, ip_key, country, asn, as_org, flags, city, region, latitude, longitude)
     VALUES (@ip, @ip_key, @country, @asn, @as_org, @flags, @city, @region, @latitude, @longitude) ON CONFLICT (ip) DO NOTHING`,
  );
  const setCursor = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const dimNames = Object.keys(VALUE_DIMS) as ValueDim[];
  // Column positions in the raw row for each value dim (raw rows follow the SELECT list).
  const dimCol = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const groupCol: Record<GroupDim, number> = { category: 3, source: 4, mailbox: 6, ip: 7, session: 12, actor: 5 };
  const MIN = 60_000_000;
  const HOUR = 3_600_000_000;
  const DAY = 86_400_000_000;

  while (from < maxId) {
    const to = Math.min(maxId, from + CHUNK);
    const values = dimNames.map(() => new Map<string | number, [number, number, number]>());
    const minute = new Map<string, number>();
    const hour = new Map<string, number>();
    const day = new Map<string, number>();
    for (const row of select.iterate(from, to) as IterableIterator<unknown[]>) {
      const ts = row[1] as number;
      for (let d = 0; d < dimNames.length; d++) {
        const v = row[dimCol[d]!] as string | number | null;
        if (v === null || v === '') continue;
        const m = values[d]!;
        const agg = m.get(v);
        if (agg) {
          agg[0]++;
          if (ts < agg[1]) agg[1] = ts;
          if (ts > agg[2]) agg[2] = ts;
        } else m.set(v, [1, ts, ts]);
      }
      const mb = Math.floor(ts / MIN) * MIN;
      const hb = Math.floor(ts / HOUR) * HOUR;
      const db_ = Math.floor(ts / DAY) * DAY;
      // Minute: all events. Hour: category, source. Day: the high-cardinality groups.
      const kAll = `\u0000${mb}`;
      minute.set(kAll, (minute.get(kAll) ?? 0) + 1);
      for (const dim of ['category', 'source'] as const) {
        const k = `${dim}\u0000${(row[groupCol[dim]] as string | null) ?? ''}\u0000${hb}`;
        hour.set(k, (hour.get(k) ?? 0) + 1);
      }
      for (const dim of ['mailbox', 'ip', 'session', 'actor'] as const) {
        const k = `${dim}\u0000${(row[groupCol[dim]] as string | null) ?? ''}\u0000${db_}`;
        day.set(k, (day.get(k) ?? 0) + 1);
      }
    }
    // Roll minute → hour for the totals, then hour → day for totals, category and source.
    for (const [k, n] of minute) {
      const cut = k.lastIndexOf('\u0000');
      const hk = `${k.slice(0, cut)}\u0000${Math.floor(Number(k.slice(cut + 1)) / HOUR) * HOUR}`;
      hour.set(hk, (hour.get(hk) ?? 0) + n);
    }
    for (const [k, n] of hour) {
      const cut = k.lastIndexOf('\u0000');
      const dk = `${k.slice(0, cut)}\u0000${Math.floor(Number(k.slice(cut + 1)) / DAY) * DAY}`;
      day.set(dk, (day.get(dk) ?? 0) + n);
    }
    const newIps = [...(values[dimNames.indexOf('ip')]!.keys() as IterableIterator<string>)];
    db.transaction(() => {
      for (let d = 0; d < dimNames.length; d++) {
        const dim = dimNames[d]!;
        for (const [v, [n, first, last]] of values[d]!) upValue.run(dim, String(v), n, first, last);
      }
      const write = (widthS: number, map: Map<string, number>) => {
        for (const [k, n] of map) {
          const a = k.indexOf('\u0000');
          const b = k.lastIndexOf('\u0000');
          const dim = k.slice(0, a);
          const value = a === b ? '' : k.slice(a + 1, b);
          upBucket.run(widthS, dim, value, Number(k.slice(b + 1)), n);
        }
      };
      write(60, minute);
      write(3600, hour);
      write(86400, day);
      for (const ip of newIps) {
        if (hasIp.get(ip)) continue;
        const row = describeIp(ip);
        if (row) insIp.run(row);
      }
      setCursor.run(CURSOR, String(to));
    }).immediate();
    from = to;
  }
  const folded = maxId - start;
  // Fresh statistics let the planner choose between the time index and a field index.
  if (folded >= 50_000) {
    db.pragma('analysis_limit=1000');
    db.exec('ANALYZE');
  }
  return folded;
}

/** Rewrites the enrichment of every known IP (after a database change) with `describeIp`. */
export function rewriteIpAddresses(db: Db, describeIp: (ip: string) => IpAddressRow | null): number {
  const ips = db.prepare('SELECT ip FROM ip_addresses').pluck(true).all() as string[];
  const up = db.prepare(
    `UPDATE ip_addresses SET country = @country, asn = @asn, as_org = @as_org, flags = @flags, city = @city, region = @region,
       latitude = @latitude, longitude = @longitude WHERE ip = @ip`,
  );
  let n = 0;
  for (const ip of ips) {
    const row = describeIp(ip);
    if (row) n += up.run(row).changes;
  }
  return n;
}

/** The stored enrichment row of one IP. */
export function ipAddressRow(db: Db, ip: string): IpAddressRow | undefined {
  return db.prepare('SELECT * FROM ip_addresses WHERE ip = ?').get(ip) as IpAddressRow | undefined;
}

/** Values of a dim matching a case-insensitive LIKE pattern (`\` escapes), most frequent first. */
export function matchingValues(db: Db, dim: ValueDim, likePattern: string, limit: number): string[] {
  return db
    .prepare(`SELECT value FROM value_counts WHERE dim = ? AND value LIKE ? ESCAPE '\\' ORDER BY n DESC LIMIT ?`)
    .pluck(true)
    .all(dim, likePattern, limit) as string[];
}

/** Number of events with a value (exact, case-sensitive), or undefined when unknown. */
export function valueCount(db: Db, dim: ValueDim, value: string): number | undefined {
  return db.prepare('SELECT n FROM value_counts WHERE dim = ? AND value = ?').pluck(true).get(dim, value) as number | undefined;
}

/** IPs whose key lies in an inclusive range. */
export function ipsInKeyRange(db: Db, lo: Buffer, hi: Buffer, limit: number): string[] {
  return db.prepare('SELECT ip FROM ip_addresses WHERE ip_key BETWEEN ? AND ? LIMIT ?').pluck(true).all(lo, hi, limit) as string[];
}

/** Top values of a dim over the whole case, from `value_counts`. */
export function topValueCounts(db: Db, dim: ValueDim, limit: number): { value: string; n: number; firstUs: number; lastUs: number }[] {
  return (
    db.prepare('SELECT value, n, first_us, last_us FROM value_counts WHERE dim = ? ORDER BY n DESC, value LIMIT ?').all(dim, limit) as {
      value: string;
      n: number;
      first_us: number;
      last_us: number;
    }[]
  ).map((r) => ({ value: r.value, n: r.n, firstUs: r.first_us, lastUs: r.last_us }));
}

/** Number of distinct values of a dim. */
export function distinctValueCount(db: Db, dim: ValueDim): number {
  return (db.prepare('SELECT count(*) AS n FROM value_counts WHERE dim = ?').get(dim) as { n: number }).n;
}
