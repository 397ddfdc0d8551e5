/** `mailtrail enrich CASE [--city-db FILE] [--sources]`: re-run offline enrichment, or list its sources. */
import type { Command } from 'commander';
import { createIpEnricher, reenrichCase } from '../../core/enrich';
import { listSources } from '../../core/store/enrichment-repo';
import { withCase } from '../open-case';
import { withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

/** Registers `enrich`. */
export function registerEnrich(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('enrich')
      .description(
        're-run IP enrichment (country, ASN, flags; optional GeoLite2-City for city and coordinates) over the case, journaled; --sources lists the databases recorded',
      )
      .argument('<case>', 'case file')
      .option('--city-db <file>', 'user-supplied GeoLite2-City (or compatible) .mmdb')
      .option('--sources', 'only list the enrichment databases recorded in the case')
      .option('--examiner <name>', 'examiner'),
  ).action(
    run(async (file: string, opts: CommonOptions & { cityDb?: string; sources?: boolean }) =>
      withCase(io, file, { ...opts, readOnly: opts.sources ?? false }, (session) => {
        if (opts.sources) {
          const sources = listSources(session.db);
          return {
            json: { sources },
            human: sources.map(
              (s) => `${s.name} ${s.version}${s.buildDate ? ` (built ${s.buildDate})` : ''}: ${s.provides.join(', ')}; ${s.license}`,
            ),
          };
        }
        const r = reenrichCase(session, opts.cityDb ? createIpEnricher({ cityDb: opts.cityDb }) : undefined);
        return { json: r, human: [`${r.ips} IPs re-enriched, ${r.eventsChanged} events changed`, ...r.sources.map((s) => `  ${s}`)] };
      }),
    ),
  );
}
