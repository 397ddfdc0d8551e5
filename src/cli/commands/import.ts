/**
 * `mailtrail import CASE PATH... [--format F] [--mailbox UPN] [--json]`: stores every input as
 * evidence, parses it, and prints a summary per file and in total (exit 1 when any file failed,
 * after importing the others). Runs in-process with a progress bar on a TTY.
 */
import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { importPaths, type ImportProgress } from '../../core/ingest';
import { FORMAT_INFO } from '../../core/ingest/format-info';
import { listQuarantine } from '../../core/store/ingest-repo';
import { describeImportFiles, importFileCounts, isFormatId, type FormatId, type ImportReport } from '../../shared/model/ingest';
import { formatUs, isoUs } from '../../shared/time/format';
import { EXIT } from '../exit-codes';
import { withCase } from '../open-case';
import { usageError, withCommonOptions, type CliIo, type CommandResult, type CommonOptions, type Runner } from '../runtime';

interface ImportOptions extends CommonOptions {
  format?: string;
  mailbox?: string;
  archivePasswords?: string;
  dateOrder?: string;
}

/**
 * The passwords to try on encrypted zip members: `MAILTRAIL_ARCHIVE_PASSWORD`, then each line of
 * the `--archive-passwords` file (read here, never stored). A file rather than an argument keeps
 * them out of the process list and the shell history.
 */
export function archivePasswords(env: NodeJS.ProcessEnv, file: string | undefined): string[] {
  const out: string[] = [];
  const fromEnv = env['MAILTRAIL_ARCHIVE_PASSWORD'];
  if (fromEnv !== undefined && fromEnv !== '') out.push(fromEnv);
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw usageError(`cannot read the archive passwords file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) if (line !== '' && !out.includes(line)) out.push(line);
    if (out.length === 0) throw usageError(`the archive passwords file ${file} holds no password (one a line)`);
  }
  return out;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0)} MB`;
}

/**
 * The exact `--json` shape: file keys in the documented order (`first` and `last`: the earliest and
 * latest record, ISO 8601 UTC, null when the file held none), `error` only on failed files, `note`
 * only on reference data and on an archive's own row, `archive` (`zip` or `gzip`) only on an
 * archive's own row, `upgraded` (of the duplicates, those whose fuller copy replaced the case's)
 * only when any did, `skipped` only on operating-system metadata passed over (`.DS_Store`,
 * `__MACOSX/…`), `warnings` only on exports that look incomplete; and a top-level `warnings` only
 * when the import's last steps could not finish (a full disk).
 */
export function importJson(report: ImportReport): unknown {
  return {
    files: report.files.map((f) => ({
      path: f.path,
      format: f.format,
      sha256: f.sha256,
      bytes: f.bytes,
      read: f.read,
      imported: f.imported,
      duplicates: f.duplicates,
      quarantined: f.quarantined,
      ...(f.upgraded !== undefined ? { upgraded: f.upgraded } : {}),
      first: f.firstUs === null ? null : isoUs(f.firstUs),
      last: f.lastUs === null ? null : isoUs(f.lastUs),
      ...(f.error !== undefined ? { error: f.error } : {}),
      ...(f.note !== undefined ? { note: f.note } : {}),
      ...(f.archive !== undefined ? { archive: f.archive } : {}),
      ...(f.skipped !== undefined ? { skipped: f.skipped } : {}),
      ...(f.warnings !== undefined ? { warnings: f.warnings } : {}),
    })),
    read: report.read,
    imported: report.imported,
    duplicates: report.duplicates,
    quarantined: report.quarantined,
    ...(report.upgraded !== undefined ? { upgraded: report.upgraded } : {}),
    ...(report.warnings !== undefined ? { warnings: report.warnings } : {}),
  };
}

/** ` (N replaced a poorer copy)` after a duplicate count, when any did (also `collect`'s summary). */
export function replaced(upgraded: number | undefined): string {
  return upgraded ? ` (${upgraded} replaced a poorer copy)` : '';
}

/** `  from … to … UTC` for a file that held records, else nothing. */
function span(f: ImportReport['files'][number]): string {
  if (f.firstUs === null || f.lastUs === null) return '';
  const at = (us: number): string => formatUs(us, 'UTC', 0).slice(0, 19);
  return `  records ${at(f.firstUs)} to ${at(f.lastUs)} UTC`;
}

/**
 * Human summary lines: one per file (failed ones with what they kept), the warnings and sample
 * quarantined records under it, then the total.
 */
export function importHuman(report: ImportReport, quarantineSamples: Map<number, string[]>): string[] {
  const lines: string[] = [];
  const counts = (f: Pick<ImportReport, 'read' | 'imported' | 'duplicates' | 'quarantined' | 'upgraded'>): string =>
    `read ${f.read}, imported ${f.imported}, duplicates ${f.duplicates}${replaced(f.upgraded)}, quarantined ${f.quarantined}`;
  const below = (f: ImportReport['files'][number]): void => {
    for (const w of f.warnings ?? []) lines.push(`  WARNING incomplete export: ${w}`);
    for (const q of (f.evidenceId !== null ? quarantineSamples.get(f.evidenceId) : undefined) ?? []) lines.push(`  quarantined ${q}`);
  };
  for (const f of report.files) {
    if (f.error !== undefined) {
      // A file that fails part-way (a full disk) keeps the batches it committed: without them the
      // lines would not add up to the total, and the examiner would not know its events are in.
      const kept = f.read + f.imported + f.duplicates + f.quarantined > 0 ? `  (kept before it failed: ${counts(f)})` : '';
      lines.push(`FAILED ${f.path}: ${f.error}${kept}`);
      below(f);
      continue;
    }
    if (f.note !== undefined) {
      lines.push(`${f.path}  kept  ${mb(f.bytes)}  ${f.note}  sha256 ${f.sha256}`);
      for (const w of f.warnings ?? []) lines.push(`  WARNING incomplete export: ${w}`);
      continue;
    }
    if (f.skipped !== undefined) {
      lines.push(`${f.path}  ${mb(f.bytes)}  ${f.skipped}`);
      continue;
    }
    lines.push(`${f.path}  ${f.format}  ${mb(f.bytes)}  ${counts(f)}${span(f)}  sha256 ${f.sha256}`);
    below(f);
  }
  lines.push(`total: ${describeImportFiles(importFileCounts(report.files))}, ${counts(report)}`);
  for (const w of report.warnings ?? []) lines.push(`WARNING ${w}`);
  return lines;
}

/** Registers `import`. */
export function registerImport(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('import')
      .description('import exports (files, folders, .zip, .tar, .gz) into a case: stored as evidence, then parsed')
      .argument('<case>', 'case file')
      .argument('<paths...>', 'files or folders to import')
      .option('--format <format>', `input format instead of detection (${FORMAT_INFO.map((f) => f.id).join(', ')})`)
      .option('--mailbox <upn>', 'owner of per-mailbox exports (Activities, inbox rules, mailbox settings) that do not name it')
      .option(
        '--archive-passwords <file>',
        'passwords for encrypted zip members, one a line (tried in order; also MAILTRAIL_ARCHIVE_PASSWORD); never stored',
      )
      .option(
        '--date-order <order>',
        'day/month or month/day: how to read locale dates that read both ways (older Entra sign-in CSV downloads), when the file does not show it',
      )
      .option('--examiner <name>', 'examiner performing the import'),
  ).action(
    run(async (file: string, paths: string[], opts: ImportOptions): Promise<CommandResult> => {
      let format: FormatId | undefined;
      if (opts.format !== undefined) {
        if (!isFormatId(opts.format)) throw usageError(`unknown format ${opts.format} (one of ${FORMAT_INFO.map((f) => f.id).join(', ')})`);
        format = opts.format;
      }
      const passwords = archivePasswords(io.env, opts.archivePasswords);
      const dateOrder = opts.dateOrder;
      if (dateOrder !== undefined && dateOrder !== 'day/month' && dateOrder !== 'month/day')
        throw usageError(`--date-order must be day/month or month/day, not ${dateOrder}`);
      return withCase(io, file, opts, async (session) => {
        const tty = Boolean(io.stderr.isTTY) && !opts.json;
        const bar = tty
          ? new SingleBar({
              format: '{phase} |{bar}| {percentage}% {mb} {records} records  {file}',
              hideCursor: true,
              stream: io.stderr as NodeJS.WritableStream & { isTTY?: boolean } as never,
              clearOnComplete: true,
            })
          : null;
        let started = false;
        const onProgress = (p: ImportProgress): void => {
          if (!bar) return;
          const payload = {
            phase: p.phase.padEnd(8),
            mb: `${mb(p.totalBytesDone)}/${mb(p.totalBytes)}`,
            records: p.records,
            file: p.path.length > 50 ? `…${p.path.slice(-49)}` : p.path,
          };
          if (!started) {
            bar.start(Math.max(p.totalBytes, 1), 0, payload);
            started = true;
          } else bar.setTotal(Math.max(p.totalBytes, 1)); // archive members add to it as they are found
          bar.update(p.phase === 'parsing' ? p.totalBytesDone - p.fileBytes + Math.min(p.bytes, p.fileBytes) : p.totalBytesDone, payload);
        };
        let report: ImportReport;
        try {
          const batch = Number(io.env['MAILTRAIL_IMPORT_BATCH_RECORDS'] ?? '');
          // Tuning knob (tests, benchmarks): on | off forces bulk index mode, unset decides by size.
          const bulk = io.env['MAILTRAIL_IMPORT_BULK_INDEXES'];
          // Tuning knob: on | off forces the parse thread, unset decides by item size.
          const thread = io.env['MAILTRAIL_IMPORT_PARSE_THREAD'];
          report = await importPaths(session, paths, {
            format,
            mailbox: opts.mailbox,
            onProgress,
            archivePasswords: passwords,
            dateOrder,
            ...(batch > 0 ? { batchRecords: batch } : {}),
            ...(bulk === 'on' || bulk === 'off' ? { bulkIndexes: bulk === 'on' } : {}),
            ...(thread === 'on' || thread === 'off' ? { parseThread: thread === 'on' } : {}),
          });
        } finally {
          if (started) bar?.stop();
        }
        const samples = new Map<number, string[]>();
        for (const f of report.files) {
          if (f.evidenceId === null || f.quarantined === 0) continue;
          const q = listQuarantine(session.db, { evidenceId: f.evidenceId, limit: 3 });
          samples.set(
            f.evidenceId,
            q.items
              .map((i) => `${i.location}: ${i.reason}`)
              .concat(q.total > 3 ? [`… ${q.total - 3} more (mailtrail quarantine ${file} --evidence ${f.evidenceId})`] : []),
          );
        }
        const failed = report.files.filter((f) => f.error !== undefined);
        // Files and archives alike: the rows of the report ("1 of 6 inputs" beside "4 files + 2 archives"),
        // the operating-system metadata passed over aside.
        const inputs = report.files.filter((f) => f.skipped === undefined).length;
        const warned = report.warnings ?? [];
        return {
          json: importJson(report),
          human: importHuman(report, samples),
          ...(failed.length > 0
            ? {
                exitCode: EXIT.ERROR,
                error: `${failed.length} of ${inputs} input${inputs === 1 ? '' : 's'} could not be imported (first: ${failed[0]!.path}: ${failed[0]!.error})`,
              }
            : warned.length > 0
              ? // The inputs imported, but the import could not finish (a full disk): not a success.
                { exitCode: EXIT.ERROR, error: `the import could not finish: ${warned[0]!}` }
              : {}),
        };
      });
    }),
  );
}

/** Registers `quarantine`: lists quarantined records with their location and reason. */
export function registerQuarantine(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('quarantine')
      .description('list quarantined records (what could not be imported, where, and why)')
      .argument('<case>', 'case file')
      .option('--evidence <id>', 'only records of this evidence item')
      .option('--limit <n>', 'how many (max 1000)', '100')
      .option('--after <id>', 'continue after this quarantine id'),
  ).action(
    run(async (file: string, opts: CommonOptions & { evidence?: string; limit: string; after?: string }) =>
      withCase(io, file, { ...opts, readOnly: true }, (session) => {
        const page = listQuarantine(session.db, {
          evidenceId: opts.evidence !== undefined ? Number(opts.evidence) : undefined,
          limit: Number(opts.limit),
          afterId: opts.after !== undefined ? Number(opts.after) : undefined,
        });
        return {
          json: page,
          human: [
            ...page.items.map(
              (q) =>
                `#${q.id} evidence ${q.evidenceId} ${q.location}: ${q.reason}${q.raw ? `\n    ${q.raw.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`,
            ),
            `${page.items.length} of ${page.total} quarantined record${page.total === 1 ? '' : 's'}`,
          ],
        };
      }),
    ),
  );
}
