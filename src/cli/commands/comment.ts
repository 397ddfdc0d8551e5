/** `mailtrail comment CASE EVENT_ID TEXT`. */
import type { Command } from 'commander';
import { commentEvent } from '../../core/annotate';
import { isoUs } from '../../shared/time/format';
import { withCase } from '../open-case';
import { usageError, withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

/** Registers `comment`. */
export function registerComment(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('comment')
      .description('comment on an event (author = examiner, UTC time; journaled with the text)')
      .argument('<case>', 'case file')
      .argument('<event-id>', 'event id')
      .argument('<text>', 'the comment')
      .option('--examiner <name>', 'author'),
  ).action(
    run(async (file: string, id: string, text: string, opts: CommonOptions) => {
      const n = Number(id);
      if (!Number.isInteger(n) || n < 1) throw usageError(`not an event id: ${id}`);
      return withCase(io, file, opts, (session) => {
        const c = commentEvent(session, { id: n, text });
        return { json: c, human: [`comment ${c.id} on event ${c.eventId} by ${c.author} at ${isoUs(c.atUs)}`] };
      });
    }),
  );
}
