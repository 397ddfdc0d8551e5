/** `mailtrail report CASE --out report.pdf`: the deterministic PDF report. */
import type { Command } from 'commander';
import { exportReport } from '../../core/report/export-report';
import { withCase } from '../open-case';
import { withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

/** Splits `a,b , c` into tags. */
export function parseTagList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Registers `report`. */
export function registerReport(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('report')
      .description('write the PDF report (same case state and options give the same bytes); journaled unless --read-only')
      .argument('<case>', 'case file')
      .requiredOption('--out <file.pdf>', 'PDF to write')
      .option('--tz <zone>', 'display time zone (IANA name; default: the case zone)')
      .option('--only-tagged', 'list tagged events only (not starred-only ones)')
      .option('--tags <a,b>', 'list only events with one of these tags')
      .option('--read-only', 'open the case read-only and journal nothing (reproduces a report at the current head)')
      .option('--force', 'replace an existing output file')
      .option('--examiner <name>', 'examiner generating the report'),
  ).action(
    run(
      async (
        file: string,
        opts: CommonOptions & { out: string; tz?: string; onlyTagged?: boolean; tags?: string; readOnly?: boolean; force?: boolean },
      ) =>
        withCase(io, file, { ...opts, readOnly: opts.readOnly ?? false }, async (session) => {
          const r = await exportReport(session, {
            out: opts.out,
            timeZone: opts.tz,
            onlyTagged: opts.onlyTagged,
            tags: parseTagList(opts.tags),
            force: opts.force,
          });
          return {
            json: r,
            human: [
              `wrote ${r.out}`,
              `pages ${r.pages}, ${r.bytes} bytes`,
              `sha256 ${r.sha256}`,
              `journal head ${r.head.hash} (entry ${r.head.seq})${r.journaled ? '' : ', nothing journaled (read-only)'}`,
            ],
          };
        }),
    ),
  );
}
