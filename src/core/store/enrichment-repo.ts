/** SQL for enrichment: the sources cited in the case, and rewriting event enrichment columns. */
import type { EnrichmentSourceRecord } from '../../shared/model/analysis';
import type { Db } from './database';

/** A source to record. */
export interface SourceRow {
  name: string;
  version: string;
  buildDate: string | null;
  provides: string[];
  license: string;
  sha256: string | null;
}

/** Inserts sources not yet recorded (by name + version); returns the ones that were new. */
export function insertNewSources(db: Db, sources: SourceRow[], atUs: number): SourceRow[] {
  const ins = db.prepare(
    `INSERT INTO enrichment_sources (name, version, build_date, provides, license, sha256, recorded_at_us)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name, version) DO NOTHING`,
  );
  return sources.filter(
    (s) => ins.run(s.name, s.version, s.buildDate, JSON.stringify(s.provides), s.license, s.sha256, atUs).changes === 1,
  );
}

/** Every recorded source, oldest first. */
export function listSources(db: Db): EnrichmentSourceRecord[] {
  return (
    db.prepare('SELECT * FROM enrichment_sources ORDER BY id').all() as {
      name: string;
      version: string;
      build_date: string | null;
      provides: string;
      license: string;
      sha256: string | null;
      recorded_at_us: number;
    }[]
  ).map((r) => ({
    name: r.name,
    version: r.version,
    buildDate: r.build_date,
    provides: JSON.parse(r.provides) as string[],
    license: r.license,
    sha256: r.sha256,
    recordedAtUs: r.recorded_at_us,
  }));
}

/** Distinct client IPs of all events. */
export function distinctEventIps(db: Db): string[] {
  return db.prepare('SELECT DISTINCT client_ip FROM events WHERE client_ip IS NOT NULL').pluck(true).all() as string[];
}

/**
 * Sets country / ASN / organisation on every event of one IP whose values differ.
 * @returns events changed.
 */
export function updateEventEnrichment(db: Db, ip: string, country: string | null, asn: number | null, asOrg: string | null): number {
  return db
    .prepare(
      `UPDATE events SET country = ?, asn = ?, as_org = ?
       WHERE client_ip = ? AND (country IS NOT ? OR asn IS NOT ? OR as_org IS NOT ?)`,
    )
    .run(country, asn, asOrg, ip, country, asn, asOrg).changes;
}

/** Rebuilds `value_counts` rows of the enrichment dims (country, asn) after a re-enrichment. */
export function recountEnrichmentValues(db: Db): void {
  db.exec(`
    DELETE FROM value_counts WHERE dim IN ('country', 'asn');
    INSERT INTO value_counts (dim, value, n, first_us, last_us)
      SELECT 'country', country, count(*), min(ts_us), max(ts_us) FROM events WHERE country IS NOT NULL GROUP BY country;
    INSERT INTO value_counts (dim, value, n, first_us, last_us)
      SELECT 'asn', CAST(asn AS TEXT), count(*), min(ts_us), max(ts_us) FROM events WHERE asn IS NOT NULL GROUP BY asn;
  `);
}
