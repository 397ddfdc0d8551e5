/**
 * Offline enrichment entry points used at import/collection time.
 *
 * INTERFACE ONLY for now: the analysis work (issue "Analysis engine") replaces
 * `defaultIpEnricher()` with lookups in the bundled country/ASN databases (versions recorded in the
 * case). Until then it enriches nothing, and ingestion already calls it, so enrichment starts
 * working everywhere as soon as it lands.
 */
import type { EventEnrichment } from '../store/events-repo';

/** A database used for enrichment, cited in the case and the report. */
export interface EnrichmentSource {
  /** e.g. `@ip-location-db/geo-whois-asn-country-mmdb`. */
  name: string;
  /** Package version or file build date. */
  version: string;
  /** `country`, `asn`, `city`. */
  provides: string[];
  license: string;
}

/** IP → country / ASN lookups. */
export interface IpEnricher {
  /** Enrichment for a canonical IP (no port, no brackets), or null when nothing is known. */
  lookup(ip: string): EventEnrichment | null;
  /** The databases behind the lookups. */
  sources(): EnrichmentSource[];
}

const nothing: IpEnricher = { lookup: () => null, sources: () => [] };

/** The enricher ingestion uses by default. */
export function defaultIpEnricher(): IpEnricher {
  return nothing;
}
