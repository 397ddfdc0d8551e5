/** `mailtrail tag CASE (EVENT_ID...|--query Q) --tag NAME [--color #rrggbb] [--remove]`. */
import type { Command } from 'commander';
import { tagByQuery, tagEvents, untagEvents } from '../../core/annotate';
import { withCase } from '../open-case';
import { usageError, withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';
import { timeOption } from './search';

/** Registers `tag`. */
export function registerTag(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('tag')
      .description('tag events by id or every event matching a query (journaled with examiner and time)')
      .argument('<case>', 'case file')
      .argument('[ids...]', 'event ids')
      .requiredOption('--tag <name>', 'tag name (created on first use; malicious, suspicious, benign … have colours)')
      .option('--query <q>', 'tag every event matching this query instead of ids')
      .option('--from <time>', 'with --query: range start')
      .option('--to <time>', 'with --query: range end')
      .option('--color <hex>', 'tag colour, #rrggbb')
      .option('--remove', 'remove the tag from the given ids instead')
      .option('--examiner <name>', 'examiner tagging'),
  ).action(
    run(
      async (
        file: string,
        ids: string[],
        opts: CommonOptions & { tag: string; query?: string; from?: string; to?: string; color?: string; remove?: boolean },
      ) => {
        if (opts.query !== undefined && ids.length > 0) throw usageError('give event ids or --query, not both');
        if (opts.query === undefined && ids.length === 0) throw usageError('give event ids or --query');
        if (opts.remove && opts.query !== undefined) throw usageError('--remove works with event ids');
        const numbers = ids.map((s) => {
          const n = Number(s);
          if (!Number.isInteger(n) || n < 1) throw usageError(`not an event id: ${s}`);
          return n;
        });
        return withCase(io, file, opts, (session) => {
          const now = session.clock();
          const r =
            opts.query !== undefined
              ? tagByQuery(session, {
                  query: opts.query,
                  fromUs: timeOption('from', opts.from, now),
                  toUs: timeOption('to', opts.to, now),
                  tag: opts.tag,
                  color: opts.color,
                })
              : opts.remove
                ? untagEvents(session, { ids: numbers, tag: opts.tag })
                : tagEvents(session, { ids: numbers, tag: opts.tag, color: opts.color });
          const verb = opts.remove ? 'removed from' : 'added to';
          return {
            json: r,
            human: [`tag "${r.tag}" (${r.color}) ${verb} ${r.changed} event${r.changed === 1 ? '' : 's'} (${r.matched} addressed)`],
          };
        });
      },
    ),
  );
}
