/** `mailtrail search CASE QUERY [--from --to --limit N] [--json|--csv]`. */
import type { Command } from 'commander';
import { countEvents, queryEvents } from '../../core/analyze/queries';
import { parseTimeValue } from '../../core/analyze/query/parse';
import type { EventCursor, EventListItem } from '../../shared/model/analysis';
import { isoUs } from '../../shared/time/format';
import { withCase } from '../open-case';
import { usageError, withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

const CSV_COLUMNS: (keyof EventListItem)[] = [
  'id',
  'tsUs',
  'source',
  'operation',
  'category',
  'actor',
  'mailbox',
  'clientIp',
  'country',
  'asn',
  'asOrg',
  'userAgent',
  'clientApp',
  'appId',
  'sessionId',
  'tokenId',
  'result',
  'object',
  'summary',
  'tags',
  'starred',
  'comments',
  'evidenceId',
  'recordIndex',
  'examinerAdded',
];

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = Array.isArray(v) ? v.join(';') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Parses a `--from` / `--to` value (ISO, or relative like -7d). */
export function timeOption(name: string, value: string | undefined, nowUs: number): number | undefined {
  if (value === undefined) return undefined;
  const us = parseTimeValue(value, nowUs);
  if (us === null) throw usageError(`--${name}: expected an ISO time (2026-01-31T12:00:00Z) or a relative time (-7d), got "${value}"`);
  return us;
}

/** Registers `search`. */
export function registerSearch(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('search')
      .description('search events with the query language (docs/search.md); prints them in time order')
      .argument('<case>', 'case file')
      .argument('[query]', "query, e.g. 'actor:ceo@contoso.com AND (category:rule-change OR ip:185.73.0.0/16)'", '')
      .option('--from <time>', 'range start (ISO or relative, e.g. -7d)')
      .option('--to <time>', 'range end, exclusive')
      .option('--limit <n>', 'most events printed (default 100)', '100')
      .option('--desc', 'newest first')
      .option('--csv', 'print CSV instead of lines')
      .option('--read-only', 'open the case read-only (slower plans when its indexes are stale)'),
  ).action(
    run(
      async (
        file: string,
        query: string,
        opts: CommonOptions & { from?: string; to?: string; limit: string; desc?: boolean; csv?: boolean; readOnly?: boolean },
      ) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000_000)
          throw usageError(`--limit must be a positive integer, got "${opts.limit}"`);
        if (opts.csv && opts.json) throw usageError('choose one of --json and --csv');
        return withCase(io, file, { ...opts, readOnly: opts.readOnly ?? false }, (session) => {
          const now = session.clock();
          const fromUs = timeOption('from', opts.from, now);
          const toUs = timeOption('to', opts.to, now);
          const events: EventListItem[] = [];
          let after: EventCursor | null = null;
          do {
            const page = queryEvents(session, {
              query,
              fromUs,
              toUs,
              limit: Math.min(1000, limit - events.length),
              after,
              direction: opts.desc ? 'desc' : 'asc',
            });
            events.push(...page.events);
            after = page.next;
          } while (after && events.length < limit);
          const total = countEvents(session, { query, fromUs, toUs });
          const human = opts.csv
            ? [CSV_COLUMNS.join(','), ...events.map((e) => CSV_COLUMNS.map((c) => csvCell(c === 'tsUs' ? isoUs(e.tsUs) : e[c])).join(','))]
            : [
                ...events.map(
                  (e) =>
                    `${String(e.id).padStart(7)}  ${isoUs(e.tsUs)}  ${e.operation.padEnd(22)} ${(e.actor ?? '-').padEnd(28)} ${(e.clientIp ?? '-').padEnd(16)} ${e.country ?? '--'}  ${e.summary}${e.tags.length ? `  [${e.tags.join(', ')}]` : ''}${e.starred ? ' *' : ''}`,
                ),
                `${events.length} of ${total} matching event${total === 1 ? '' : 's'}`,
              ];
          return { json: { query, fromUs: fromUs ?? null, toUs: toUs ?? null, total, returned: events.length, events }, human };
        });
      },
    ),
  );
}
