/**
 * Offline enrichment entry points used at import/collection time and by the analysis engine.
 *
 * `defaultIpEnricher()` returns the process-wide offline enricher: IP → country
 * (`@ip-location-db/geo-whois-asn-country-mmdb`) and ASN/organisation (`@ip-location-db/asn`),
 * loaded lazily and cached per IP. Ingestion calls it for every record with a client IP; the
 * databases it used are recorded in the case with {@link recordEnrichmentSources}.
 */
import type { EventEnrichment } from '../store/events-repo';
import { createIpEnricher, type OfflineIpEnricher } from './ip-enricher';

export { createIpEnricher, type IpFlag, type IpInfo, type OfflineIpEnricher, type IpEnricherOptions } from './ip-enricher';
export { parseUserAgent, matchToolAgent, toolAgents, type ToolAgent, type UserAgentInfo } from './user-agent';
export { recordEnrichmentSources, reenrichCase, type ReenrichResult } from './reenrich';

/** A database used for enrichment, cited in the case and the report. */
export interface EnrichmentSource {
  /** e.g. `@ip-location-db/geo-whois-asn-country-mmdb`. */
  name: string;
  /** Package version or file build date. */
  version: string;
  /** `country`, `asn`, `city`. */
  provides: string[];
  license: string;
  /** Build date of the data (YYYY-MM-DD) when the database states it. */
  buildDate?: string | null;
  /** SHA-256 of a user-supplied database file. */
  sha256?: string | null;
}

/** IP → country / ASN lookups. */
export interface IpEnricher {
  /** Enrichment for a canonical IP (no port, no brackets), or null when nothing is known. */
  lookup(ip: string): EventEnrichment | null;
  /** The databases behind the lookups. */
  sources(): EnrichmentSource[];
}

let shared: OfflineIpEnricher | null = null;

/** The enricher ingestion uses by default (one per process; databases load on first use). */
export function defaultIpEnricher(): OfflineIpEnricher {
  shared ??= createIpEnricher();
  return shared;
}
