/**
 * Keeps the bulk-built indexes current before a query: the FTS index (`indexPendingEvents`) and the
 * derived tables (`refreshDerived`). Ingestion should call {@link refreshIndexes} after each import;
 * queries call {@link ensureFresh} too, so a case is never searched against stale indexes. A case
 * opened read-only cannot be refreshed: queries then fall back to slower plans that need no
 * derived table (see `store/query-repo.ts`).
 */
import type { CaseSession } from '../case/case-file';
import { defaultIpEnricher, type OfflineIpEnricher } from '../enrich';
import { ipKey } from '../enrich/ip';
import type { Db } from '../store/database';
import { derivedFresh, refreshDerived, type IpAddressRow } from '../store/derived-repo';
import { indexPendingEvents, maxEventId } from '../store/events-repo';
import { getSetting } from '../store/case-repo';

/** Converts the enricher's description of an IP into its `ip_addresses` row. */
export function ipRow(enricher: OfflineIpEnricher, ip: string): IpAddressRow | null {
  const key = ipKey(ip);
  if (!key) return null;
  const info = enricher.describe(ip);
  return {
    ip,
    ip_key: key,
    country: info.country,
    asn: info.asn,
    as_org: info.asOrg,
    flags: info.flags.join(','),
    city: info.city,
    region: info.region,
    latitude: info.latitude,
    longitude: info.longitude,
  };
}

/**
 * Brings the FTS index and the derived tables up to date (a no-op when they are).
 * @returns counts of events newly indexed / folded in.
 */
export function refreshIndexes(db: Db, enricher: OfflineIpEnricher = defaultIpEnricher()): { fts: number; derived: number } {
  const fts = indexPendingEvents(db);
  const derived = refreshDerived(db, (ip) => ipRow(enricher, ip));
  return { fts, derived };
}

/** What a query may rely on. */
export interface Freshness {
  derivedFresh: boolean;
}

/**
 * Refreshes indexes when the session may write; reports whether the derived tables are current.
 * Never waits for another writer (an import running in a worker holds the write lock for whole
 * batches): when the case is busy, the query runs on the indexes as they are and the next query
 * catches up.
 */
export function ensureFresh(session: Pick<CaseSession, 'db' | 'readOnly'>): Freshness {
  const db = session.db;
  if (session.readOnly) return { derivedFresh: derivedFresh(db) };
  if (derivedFresh(db) && ftsFresh(db)) return { derivedFresh: true };
  const previous = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout=0');
  try {
    refreshIndexes(db);
    return { derivedFresh: true };
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return { derivedFresh: derivedFresh(db) };
    throw err;
  } finally {
    db.pragma(`busy_timeout=${previous}`);
  }
}

/** True when the FTS index covers every event (read-only cases may lag). */
export function ftsFresh(db: Db): boolean {
  const upto = Number(getSetting(db, 'fts_indexed_upto') ?? 0);
  return upto >= maxEventId(db);
}
