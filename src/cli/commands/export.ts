/** `mailtrail export CASE --format csv|jsonl|timesketch|stix --out FILE`. */
import type { Command } from 'commander';
import { EXPORT_FORMATS, exportEvents, type ExportFormat } from '../../core/report/export/export-events';
import { withCase } from '../open-case';
import { usageError, withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

/** Registers `export`. */
export function registerExport(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('export')
      .description('export events as CSV, JSONL, Timesketch JSONL or a STIX 2.1 bundle of indicators from tagged events (journaled)')
      .argument('<case>', 'case file')
      .requiredOption('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`)
      .requiredOption('--out <file>', 'file to write')
      .option('--query <q>', 'only events matching this search query')
      .option('--only-tagged', 'only tagged events (always so for stix)')
      .option('--read-only', 'open the case read-only and journal nothing')
      .option('--force', 'replace an existing output file')
      .option('--examiner <name>', 'examiner exporting'),
  ).action(
    run(
      async (
        file: string,
        opts: CommonOptions & { format: string; out: string; query?: string; onlyTagged?: boolean; readOnly?: boolean; force?: boolean },
      ) => {
        if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format)) {
          throw usageError(`unknown --format ${opts.format} (use ${EXPORT_FORMATS.join(', ')})`);
        }
        return withCase(io, file, { ...opts, readOnly: opts.readOnly ?? false }, async (session) => {
          const r = await exportEvents(session, {
            out: opts.out,
            format: opts.format as ExportFormat,
            query: opts.query,
            onlyTagged: opts.onlyTagged,
            force: opts.force,
          });
          return {
            json: r,
            human: [
              `wrote ${r.out} (${r.format})`,
              r.indicators !== null ? `${r.indicators} indicators from ${r.events} tagged events` : `${r.events} events, ${r.bytes} bytes`,
              `sha256 ${r.sha256}`,
            ],
          };
        });
      },
    ),
  );
}
