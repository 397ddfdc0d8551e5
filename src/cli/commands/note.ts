/** `mailtrail note CASE --at ISO TEXT`: an examiner-added event. */
import type { Command } from 'commander';
import { addManualEvent } from '../../core/annotate';
import { parseTimeValue } from '../../core/analyze/query/parse';
import { EVENT_CATEGORIES, type EventCategory } from '../../shared/model/event';
import { isoUs } from '../../shared/time/format';
import { withCase } from '../open-case';
import { usageError, withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

/** Registers `note`. */
export function registerNote(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('note')
      .description(
        'add an examiner event ("phone call with the bank") to the timeline; stored as evidence, marked examiner-added, journaled',
      )
      .argument('<case>', 'case file')
      .argument('<text>', 'what happened')
      .requiredOption('--at <time>', 'when it happened (ISO; a time without zone is UTC)')
      .option('--actor <upn>', 'user it concerns')
      .option('--mailbox <upn>', 'mailbox it concerns')
      .option('--category <c>', `one of ${EVENT_CATEGORIES.join(', ')} (default other)`)
      .option('--tag <name...>', 'tags to put on it')
      .option('--examiner <name>', 'examiner adding it'),
  ).action(
    run(
      async (
        file: string,
        text: string,
        opts: CommonOptions & { at: string; actor?: string; mailbox?: string; category?: string; tag?: string[] },
      ) => {
        if (opts.category && !(EVENT_CATEGORIES as readonly string[]).includes(opts.category))
          throw usageError(`--category must be one of ${EVENT_CATEGORIES.join(', ')}`);
        return withCase(io, file, opts, async (session) => {
          const atUs = parseTimeValue(opts.at, session.clock());
          if (atUs === null) throw usageError(`--at: expected an ISO time such as 2026-01-14T15:30:00Z, got "${opts.at}"`);
          const r = await addManualEvent(session, {
            atUs,
            text,
            actor: opts.actor,
            mailbox: opts.mailbox,
            category: opts.category as EventCategory | undefined,
            tags: opts.tag,
          });
          return { json: { ...r, atUs }, human: [`event ${r.eventId} added at ${isoUs(atUs)} (evidence item ${r.evidenceId})`] };
        });
      },
    ),
  );
}
