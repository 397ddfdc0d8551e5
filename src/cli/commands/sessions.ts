/** `mailtrail sessions CASE [--actor X] [--json]`. */
import type { Command } from 'commander';
import { buildSessions } from '../../core/analyze/sessions';
import { isoUs } from '../../shared/time/format';
import { withCase } from '../open-case';
import { usageError, withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

/** Registers `sessions`. */
export function registerSessions(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('sessions')
      .description('list sessions (Entra session id, token id, or actor + IP + user agent), sign-ins joined to mailbox activity')
      .argument('<case>', 'case file')
      .option('--actor <upn>', 'only sessions of this user')
      .option('--flagged', 'only sessions with confirmed-bad tags or high findings')
      .option('--limit <n>', 'most sessions (newest first)', '200')
      .option('--gap <minutes>', 'inactivity that ends a heuristic session', '30')
      .option('--read-only', 'open the case read-only'),
  ).action(
    run(
      async (file: string, opts: CommonOptions & { actor?: string; flagged?: boolean; limit: string; gap: string; readOnly?: boolean }) => {
        const limit = Number(opts.limit);
        const gap = Number(opts.gap);
        if (!Number.isInteger(limit) || limit < 1) throw usageError('--limit must be a positive integer');
        if (!(gap > 0)) throw usageError('--gap must be a positive number of minutes');
        return withCase(io, file, { ...opts, readOnly: opts.readOnly ?? false }, (session) => {
          const sessions = buildSessions(session, {
            actor: opts.actor?.toLowerCase(),
            flaggedOnly: opts.flagged,
            limit,
            gapUs: gap * 60_000_000,
          });
          const human: string[] = [];
          for (const s of sessions) {
            human.push(`${s.flagged ? '!' : ' '} ${s.key.length > 60 ? `${s.key.slice(0, 57)}...` : s.key}`);
            human.push(`    ${isoUs(s.firstUs)} → ${isoUs(s.lastUs)}  ${s.events} events  ${s.actors.join(', ')}`);
            human.push(`    ips ${s.ips.join(', ') || '-'}  countries ${s.countries.join(', ') || '-'}  sources ${s.sources.join(', ')}`);
            human.push(
              `    ops ${Object.entries(s.operations)
                .sort((a, b) => b[1] - a[1])
                .slice(0, 6)
                .map(([o, n]) => `${o}×${n}`)
                .join(', ')}`,
            );
            if (s.userAgents.length) human.push(`    ua ${s.userAgents.slice(0, 3).join(' | ')}`);
            human.push(`    search: ${s.query}`);
          }
          human.push(`${sessions.length} session${sessions.length === 1 ? '' : 's'}`);
          return { json: { sessions }, human };
        });
      },
    ),
  );
}
