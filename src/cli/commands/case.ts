/** `mailtrail case create|info|rekey`. */
import type { Command } from 'commander';
import { createCase } from '../../core/case/case-file';
import type { CaseInfo } from '../../shared/model/case';
import { formatUs } from '../../shared/time/format';
import { withCase } from '../open-case';
import { readNewPassphrase } from '../passphrase';
import { withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

/** Human lines describing a case. */
export function describeCase(info: CaseInfo): string[] {
  const rows: [string, string][] = [
    ['Case', info.name],
    ['Number', info.number ?? '—'],
    ['Id', info.id],
    ['Examiner', info.examiner],
    ['Time zone', info.timeZone],
    ['Created', formatUs(info.createdAtUs, info.timeZone)],
    ['File', info.file],
    ['Schema', `${info.schemaVersion} (created with mailtrail ${info.createdWith})`],
    ['Evidence', `${info.evidence.items} items, ${info.evidence.bytes} bytes`],
    ['Events', String(info.events)],
    ['Journal', `${info.journal.entries} entries, head ${info.journal.head}`],
  ];
  return rows.map(([k, v]) => `${k.padEnd(10)} ${v}`);
}

/** Registers `case` and its subcommands. */
export function registerCase(program: Command, io: CliIo, run: Runner): void {
  const cmd = program.command('case').description('create, describe and rekey case files');

  withCommonOptions(
    cmd
      .command('create')
      .description('create a new encrypted case file')
      .argument('<file>', 'case file to create (*.mtcase)')
      .requiredOption('--name <name>', 'case name')
      .requiredOption('--examiner <name>', 'examiner creating the case')
      .option('--number <number>', 'case or matter number')
      .option('--tz <zone>', 'display time zone (IANA name)', 'UTC')
      .option('--force', 'replace an existing file'),
  ).action(
    run(async (file: string, opts: CommonOptions & { name: string; examiner: string; number?: string; tz: string; force?: boolean }) => {
      const passphrase = await readNewPassphrase(io, 'MAILTRAIL_PASSPHRASE', 'New case passphrase');
      const session = createCase({
        file,
        name: opts.name,
        examiner: opts.examiner,
        number: opts.number,
        timeZone: opts.tz,
        passphrase,
        force: opts.force,
      });
      try {
        const info = session.info();
        return { json: info, human: [`created ${info.file}`, ...describeCase(info)] };
      } finally {
        session.close();
      }
    }),
  );

  withCommonOptions(cmd.command('info').description('describe a case').argument('<file>', 'case file')).action(
    run(async (file: string, opts: CommonOptions) =>
      withCase(io, file, { ...opts, readOnly: true }, (session) => {
        const info = session.info();
        return { json: info, human: describeCase(info) };
      }),
    ),
  );

  withCommonOptions(
    cmd
      .command('rekey')
      .description('change the passphrase (new one from MAILTRAIL_NEW_PASSPHRASE or a prompt)')
      .argument('<file>', 'case file')
      .option('--examiner <name>', 'examiner performing the change'),
  ).action(
    run(async (file: string, opts: CommonOptions) =>
      withCase(io, file, opts, async (session) => {
        const next = await readNewPassphrase(io, 'MAILTRAIL_NEW_PASSPHRASE', 'New passphrase');
        session.rekey(next);
        const info = session.info();
        return { json: { file: info.file, rekeyed: true, journal: info.journal }, human: [`rekeyed ${info.file}`] };
      }),
    ),
  );
}
