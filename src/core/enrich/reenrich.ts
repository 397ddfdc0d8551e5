/**
 * Recording which enrichment databases a case used (cited in the report, journaled), and re-running
 * enrichment over a whole case (after a database update, or to add a user-supplied city database).
 */
import type { CaseSession } from '../case/case-file';
import { refreshIndexes, ipRow } from '../analyze/freshness';
import { rewriteIpAddresses } from '../store/derived-repo';
import { distinctEventIps, insertNewSources, recountEnrichmentValues, updateEventEnrichment } from '../store/enrichment-repo';
import type { OfflineIpEnricher } from './ip-enricher';
import { toolAgents } from './user-agent';
import { defaultIpEnricher, type EnrichmentSource } from './index';

function sourceRows(
  enricher: OfflineIpEnricher,
): { name: string; version: string; buildDate: string | null; provides: string[]; license: string; sha256: string | null }[] {
  const ua = toolAgents();
  const all: EnrichmentSource[] = [
    ...enricher.sources(),
    { name: 'mailtrail tool-user-agents', version: ua.version, provides: ['ua:tool'], license: 'Mailtrail' },
  ];
  return all.map((s) => ({
    name: s.name,
    version: s.version,
    buildDate: s.buildDate ?? null,
    provides: s.provides,
    license: s.license,
    sha256: s.sha256 ?? null,
  }));
}

/**
 * Records the enrichment databases in the case (once per name + version) and journals the new
 * ones as `enrich.sources`. Call after an import that enriched events, and before analysis.
 * @returns the sources that were not recorded before.
 */
export function recordEnrichmentSources(session: CaseSession, enricher: OfflineIpEnricher = defaultIpEnricher()): string[] {
  if (session.readOnly) return [];
  const rows = sourceRows(enricher);
  return session.db
    .transaction(() => {
      const added = insertNewSources(session.db, rows, session.clock());
      if (added.length > 0) {
        session.journal.append('enrich.sources', {
          sources: added.map((s) => ({
            name: s.name,
            version: s.version,
            build_date: s.buildDate,
            provides: s.provides,
            sha256: s.sha256,
          })),
        });
      }
      return added.map((s) => `${s.name}@${s.version}`);
    })
    .immediate();
}

/** Outcome of {@link reenrichCase}. */
export interface ReenrichResult {
  ips: number;
  eventsChanged: number;
  sources: string[];
}

/**
 * Re-runs enrichment over every event and IP of the case with `enricher` (journaled as
 * `enrich.rerun` with the databases used and the number of events whose enrichment changed).
 */
export function reenrichCase(session: CaseSession, enricher: OfflineIpEnricher = defaultIpEnricher()): ReenrichResult {
  const db = session.db;
  refreshIndexes(db, enricher);
  recordEnrichmentSources(session, enricher);
  return db
    .transaction((): ReenrichResult => {
      const ips = distinctEventIps(db);
      let changed = 0;
      for (const ip of ips) {
        const e = enricher.lookup(ip);
        changed += updateEventEnrichment(db, ip, e?.country ?? null, e?.asn ?? null, e?.asOrg ?? null);
      }
      rewriteIpAddresses(db, (ip) => ipRow(enricher, ip));
      recountEnrichmentValues(db);
      const sources = sourceRows(enricher).map((s) => `${s.name}@${s.version}`);
      session.journal.append('enrich.rerun', { ips: ips.length, events_changed: changed, sources });
      return { ips: ips.length, eventsChanged: changed, sources };
    })
    .immediate();
}
