// CSV exports damaged the ways they arrive damaged: a stray or unclosed quote, text after a closing
// quote, a last row cut off mid-row, rows short of the header's columns, Excel's `sep=` line and its
// blank `,,,,` rows, a record past the size cap. A damaged row is quarantined on its own with a
// reason naming its line, the rows after it are still read (an unclosed quote does not swallow the
// rest of the file), and every record read ends as exactly one of imported, duplicate or
// quarantined.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import type { FormatId, ImportFileResult } from '../../src/shared/model/ingest';
import { casesPerTest, tempDir } from '../helpers/case';
import { importInEachThread } from '../helpers/import';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fresh = casesPerTest();
const { dir, cleanup } = tempDir();
afterAll(cleanup);

interface Imported {
  f: ImportFileResult;
  /** Quarantined records as [location, reason, raw]. */
  quarantine: [string, string, string | null][];
  /** Imported events in record order. */
  events: { operation: string; actor: string | null; ip: string | null; raw: string }[];
}

let files = 0;
/** Writes `text` to a new file of the temporary folder; returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, `${files++}-${name}`);
  writeFileSync(path, text);
  return path;
}

/** Imports one file in each thread ({@link importInEachThread}), with its events in record order. */
async function importOne(path: string, format?: FormatId): Promise<Imported> {
  return importInEachThread(fresh, path, {
    format,
    location: /^line \d+$/,
    more: (session, f) => ({
      events: (f.evidenceId === null || f.error !== undefined
        ? []
        : session.db
            .prepare(
              'SELECT e.operation, e.actor, e.client_ip AS ip, p.raw FROM events e JOIN event_payloads p ON p.event_id = e.id WHERE e.evidence_id = ? ORDER BY e.record_index',
            )
            .all(f.evidenceId)) as Imported['events'],
    }),
  });
}

const counts = (f: ImportFileResult) => [f.format, f.read, f.imported, f.duplicates, f.quarantined, f.error ?? null];

/** A CSV field as a writer quotes it. */
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A UAL record (AuditData of a Purview row). */
function ual(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    CreationTime: `2026-01-24T07:${String(i % 60).padStart(2, '0')}:00`,
    Id: `c5700000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    Operation: 'Send',
    OrganizationId: 'df233d94-fed3-4436-bf9a-a799fb85a159',
    RecordType: 2,
    ResultStatus: 'Succeeded',
    UserId: 'ceo@contoso.com',
    Workload: 'Exchange',
    ClientIPAddress: `185.73.124.${i}`,
    ...extra,
  };
}

const PURVIEW_HEADER = 'RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames';

/** A Purview export row (CRLF-terminated by the caller). */
function purviewRow(i: number, extra: Record<string, unknown> = {}): string {
  const a = ual(i, extra);
  return `${String(a['Id'])},2026-01-24T07:${String(i % 60).padStart(2, '0')}:00.0000000Z,2,Send,ceo@contoso.com,${q(JSON.stringify(a))},,`;
}

const OFFICE_HEADER = 'TimeGenerated,UserId,ClientIP,Operation,Parameters';

/** Parameters of an OfficeActivity row, pretty-printed over several lines as msticpy's export has them. */
function params(pairs: [string, string][], pretty: boolean): string {
  return JSON.stringify(
    pairs.map(([Name, Value]) => ({ Name, Value })),
    null,
    pretty ? 2 : undefined,
  );
}

/** The Entra sign-in fixture: its header and first data row, split into fields. */
function entraFixture(): { header: string; row: string[] } {
  const lines = readFileSync(join(FIXTURES, 'entra-signin-csv', 'InteractiveSignIns_2026-01-24.csv'), 'utf8').split(/\r?\n/);
  return { header: lines[0]!, row: (parse(lines[1]!) as string[][])[0]! };
}

/** An Entra CSV row from the fixture's first row with request id `n`, user `user` and IP `ip`. */
function entraRow(base: string[], names: string[], n: number, user: string, ip: string): string[] {
  const row = [...base];
  row[names.indexOf('Request ID')] = `e0a1b2c3-0000-4000-8000-${String(n).padStart(12, '0')}`;
  row[names.indexOf('Username')] = user;
  row[names.indexOf('User')] = user.split('@')[0]!;
  row[names.indexOf('IP address')] = ip;
  return row;
}

const entraLine = (row: string[]) => row.map((f) => (/[",\r\n]/.test(f) ? q(f) : f)).join(',');

describe('a stray or unclosed quote', () => {
  it('Sentinel OfficeActivity: an unclosed quote is quarantined on its line and the rows after it are read', async () => {
    const text = [
      OFFICE_HEADER,
      `2026-01-24T06:50:00Z,a@b.com,1.1.1.1,MailItemsAccessed,${q(params([['MailAccessType', 'Bind']], false))}`,
      `2026-01-24T06:51:00Z,a@b.com,"1.1.1.2,Set-Mailbox,x`,
      `2026-01-24T06:52:00Z,a@b.com,1.1.1.3,New-InboxRule,${q(params([['ForwardTo', 'evil@x.com']], false))}`,
      `2026-01-24T06:53:00Z,a@b.com,1.1.1.4,Set-InboxRule,${q(params([['Identity', 'r1']], false))}`,
      '',
    ].join('\r\n');
    const { f, quarantine, events } = await importOne(file('office-stray-quote.csv', text));
    expect(counts(f)).toEqual(['office-activity-csv', 4, 3, 0, 1, null]);
    expect(events.map((e) => [e.operation, e.ip])).toEqual([
      ['MailItemsAccessed', '1.1.1.1'],
      ['New-InboxRule', '1.1.1.3'],
      ['Set-InboxRule', '1.1.1.4'],
    ]);
    expect(events[1]!.raw).toContain('evil@x.com');
    expect(quarantine).toEqual([
      [
        'line 3',
        expect.stringMatching(/^a quote on this line is not closed before the line ends/),
        `2026-01-24T06:51:00Z,a@b.com,"1.1.1.2,Set-Mailbox,x`,
      ],
    ]);
  });

  it('msticpy OfficeActivity with multi-line Parameters: rows with quoted line breaks stay whole around the damage', async () => {
    const rows = [
      `2026-01-24T06:50:00Z,a@b.com,1.1.1.1,Set-Mailbox,${q(
        params(
          [
            ['Identity', 'a@b.com'],
            ['ForwardingSmtpAddress', 'smtp:x@evil.example'],
          ],
          true,
        ),
      )}`,
      `2026-01-24T06:51:00Z,a@b.com,"1.1.1.2,Set-Mailbox,x`,
      `2026-01-24T06:52:00Z,a@b.com,1.1.1.3,New-InboxRule,${q(
        params(
          [
            ['ForwardTo', 'evil@x.com'],
            ['Name', '.'],
          ],
          true,
        ),
      )}`,
      // A multi-line record damaged part-way (a quote inserted inside its Parameters): one record, quarantined whole.
      `2026-01-24T06:53:00Z,a@b.com,1.1.1.4,Set-InboxRule,${q(
        params(
          [
            ['Identity', 'r1'],
            ['DeleteMessage', 'True'],
          ],
          true,
        ),
      )}`.replace('""r1""', '""r"1""'),
      `2026-01-24T06:54:00Z,a@b.com,1.1.1.5,Remove-InboxRule,${q(params([['Identity', 'r2']], true))}`,
    ];
    const { f, quarantine, events } = await importOne(file('msticpy-damaged.csv', [OFFICE_HEADER, ...rows, ''].join('\n')));
    expect(counts(f)).toEqual(['office-activity-csv', 5, 3, 0, 2, null]);
    expect(events.map((e) => e.operation)).toEqual(['Set-Mailbox', 'New-InboxRule', 'Remove-InboxRule']);
    expect(events[1]!.raw).toContain('evil@x.com');
    // The physical line each row starts on (the header is line 1).
    const starts = rows.map((_, k) => 2 + rows.slice(0, k).reduce((n, r) => n + r.split('\n').length, 0));
    const damagedLines = rows[3]!.split('\n').length;
    expect(quarantine).toEqual([
      [`line ${starts[1]}`, expect.stringMatching(/^a quote on this line is not closed/), rows[1]],
      [
        `line ${starts[3]}`,
        expect.stringMatching(
          new RegExp(`^a quote on this line is not closed.*; the ${damagedLines - 1} lines after it, to line ${starts[4]! - 1},`),
        ),
        rows[3],
      ],
    ]);
  });

  it('Entra sign-in CSV: a stray quote before a quoted field is quarantined, not read as a garbled row', async () => {
    const { header, row } = entraFixture();
    const names = header.replace(/^\uFEFF/, '').split(',');
    const rows = [1, 2, 3].map((n) => entraRow(row, names, n, `user${n}@contoso.com`, `185.73.124.${n}`));
    const lines = rows.map(entraLine);
    lines[1] = lines[1]!.replace(',user2,', ',"Alice,');
    const { f, quarantine, events } = await importOne(file('entra-stray-quote.csv', [header, ...lines, ''].join('\r\n')));
    expect(counts(f)).toEqual(['entra-signin-csv', 3, 2, 0, 1, null]);
    expect(events.map((e) => [e.actor, e.ip])).toEqual([
      ['user1@contoso.com', '185.73.124.1'],
      ['user3@contoso.com', '185.73.124.3'],
    ]);
    expect(quarantine).toEqual([['line 3', expect.stringMatching(/^field \d+ has text after its closing quote/), lines[1]]]);
  });

  it('Purview: a row cut off inside AuditData and continued with whole rows (an export re-run appending) loses only the cut row', async () => {
    // Cut inside AuditData, not on a quote (which would close the field).
    const cut = purviewRow(2).slice(0, 200).replace(/"+$/, '');
    const text = [PURVIEW_HEADER, purviewRow(1), cut, purviewRow(3), purviewRow(4), ''].join('\r\n');
    const { f, quarantine, events } = await importOne(file('purview-cut-continued.csv', text));
    expect(counts(f)).toEqual(['purview-csv', 4, 3, 0, 1, null]);
    expect(events.map((e) => e.ip)).toEqual(['185.73.124.1', '185.73.124.3', '185.73.124.4']);
    expect(quarantine).toEqual([['line 3', expect.stringMatching(/^a quote on this line is not closed/), cut]]);
  });

  it('Purview: a quote opened inside a row does not take the rows after it', async () => {
    const text = [PURVIEW_HEADER, purviewRow(1), purviewRow(2).replace(',Send,', ',"Send,'), purviewRow(3), ''].join('\r\n');
    const { f, quarantine } = await importOne(file('purview-quote-in-row.csv', text));
    expect(counts(f)).toEqual(['purview-csv', 3, 2, 0, 1, null]);
    expect(quarantine.map(([l]) => l)).toEqual(['line 3']);
  });

  it('text after a closing quote on one line quarantines that row alone', async () => {
    const text = [
      OFFICE_HEADER,
      `2026-01-24T06:50:00Z,a@b.com,"1.1.1.1"x,Send,[]`,
      `2026-01-24T06:51:00Z,a@b.com,1.1.1.2,Send,[]`,
      '',
    ].join('\n');
    const { f, quarantine } = await importOne(file('text-after-quote.csv', text));
    expect(counts(f)).toEqual(['office-activity-csv', 2, 1, 0, 1, null]);
    expect(quarantine).toEqual([
      [
        'line 2',
        'field 3 has text after its closing quote (a stray or unescaped quote?)',
        `2026-01-24T06:50:00Z,a@b.com,"1.1.1.1"x,Send,[]`,
      ],
    ]);
  });
});

describe('rows short of the header', () => {
  it('a last row cut off mid-row, without a line end, is quarantined as truncated', async () => {
    const { header, row } = entraFixture();
    const names = header.replace(/^\uFEFF/, '').split(',');
    const whole = [1, 2].map((n) => entraLine(entraRow(row, names, n, `user${n}@contoso.com`, `185.73.124.${n}`)));
    const last = entraRow(row, names, 3, 'user3@contoso.com', '185.73.124.3');
    const cut = `${entraLine(last.slice(0, names.indexOf('IP address') + 1))},`;
    const { f, quarantine, events } = await importOne(file('entra-cut.csv', [header, ...whole, cut].join('\r\n')));
    expect(counts(f)).toEqual(['entra-signin-csv', 3, 2, 0, 1, null]);
    expect(events.map((e) => e.ip)).toEqual(['185.73.124.1', '185.73.124.2']);
    expect(quarantine).toEqual([['line 4', 'the file ends inside this row: 27 of 57 fields (file truncated?)', cut]]);
  });

  it('a short row in the middle is quarantined with the count when the columns it lacks held something before', async () => {
    const text = [OFFICE_HEADER, `2026-01-24T06:51:00Z,a@b.com,1.1.1.2,Send,[]`, `2026-01-24T06:50:00Z,a@b.com,1.1.1.1,Send`, ''].join(
      '\n',
    );
    const { f, quarantine } = await importOne(file('short-row.csv', text));
    expect(counts(f)).toEqual(['office-activity-csv', 2, 1, 0, 1, null]);
    expect(quarantine).toEqual([['line 3', 'row has 4 fields, the header has 5', `2026-01-24T06:50:00Z,a@b.com,1.1.1.1,Send`]]);
  });

  it('an Entra download Excel saved without its empty last columns imports; a Purview last row likewise, without a line end', async () => {
    const entra = readFileSync(join(FIXTURES, 'entra-signin-csv', 'InteractiveSignIns_2026-01-24.csv'), 'utf8')
      .split('\n')
      .map((line, i) => (i === 0 ? line : line.replace(/,+(\r?)$/, '$1')))
      .join('\n');
    const full = await importOne(join(FIXTURES, 'entra-signin-csv', 'InteractiveSignIns_2026-01-24.csv'));
    const { f } = await importOne(file('entra-excel.csv', entra));
    expect(counts(f)).toEqual(counts(full.f));
    const purview = [PURVIEW_HEADER, purviewRow(1), purviewRow(2).replace(/,,$/, '')].join('\r\n');
    expect(counts((await importOne(file('purview-last-short.csv', purview))).f)).toEqual(['purview-csv', 2, 2, 0, 0, null]);
  });

  it('rows Excel saved without their empty last cells import, the cells read as empty', async () => {
    // Every row lacks the last column, which no row filled: nothing a column held is lost.
    const text = [OFFICE_HEADER, `2026-01-24T06:50:00Z,a@b.com,1.1.1.1,Send`, `2026-01-24T06:51:00Z,a@b.com,1.1.1.2,Send`, ''].join('\r\n');
    const { f } = await importOne(file('excel-short.csv', text));
    expect(counts(f)).toEqual(['office-activity-csv', 2, 2, 0, 0, null]);
  });

  it('a Purview row without the empty columns after AuditData (a spreadsheet re-save) still imports', async () => {
    const text = [PURVIEW_HEADER, purviewRow(1), purviewRow(2).replace(/,,$/, ''), purviewRow(3), ''].join('\r\n');
    const { f } = await importOne(file('purview-short-trailing.csv', text));
    expect(counts(f)).toEqual(['purview-csv', 3, 3, 0, 0, null]);
  });
});

describe("Excel's additions", () => {
  it('a sep=, first line is skipped', async () => {
    const text = ['sep=,', PURVIEW_HEADER, purviewRow(1), purviewRow(2), ''].join('\r\n');
    const { f } = await importOne(file('sep-comma.csv', text));
    expect(counts(f)).toEqual(['purview-csv', 2, 2, 0, 0, null]);
  });

  it('a sep=; first line sets the delimiter and is skipped, line numbers count it', async () => {
    const semi = (r: string) => r.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, ';');
    const text = ['\uFEFFsep=;', semi(PURVIEW_HEADER), semi(purviewRow(1)), `${semi(purviewRow(2))};x`, ''].join('\r\n');
    const { f, quarantine } = await importOne(file('sep-semicolon.csv', text));
    expect(counts(f)).toEqual(['purview-csv', 2, 1, 0, 1, null]);
    expect(quarantine.map(([l, r]) => [l, r])).toEqual([['line 4', 'row has 9 fields, the header has 8']]);
    // Blank lines before the header (and before a sep= line): the reader takes the header's delimiter, as detection does.
    for (const lead of ['\r\n', '\r\nsep=;\r\n']) {
      const blank = await importOne(file('blank-semicolon.csv', [lead + semi(PURVIEW_HEADER), semi(purviewRow(1)), ''].join('\r\n')));
      expect(counts(blank.f), JSON.stringify(lead)).toEqual(['purview-csv', 1, 1, 0, 0, null]);
    }
  });

  it('a quoted "sep=," line is skipped too; a sep= line without a delimiter is refused with the reason', async () => {
    const quoted = await importOne(file('sep-quoted.csv', ['"sep=,"', PURVIEW_HEADER, purviewRow(1), ''].join('\r\n')), 'purview-csv');
    expect(counts(quoted.f)).toEqual(['purview-csv', 1, 1, 0, 0, null]);
    const empty = await importOne(file('sep-empty.csv', ['sep=', PURVIEW_HEADER, purviewRow(1), ''].join('\r\n')), 'purview-csv');
    expect(empty.f.read).toBe(0);
    expect(empty.f.error).toMatch(/^the first line "sep=" is an Excel separator line without a usable delimiter/);
  });

  it('blank rows (all fields empty) are skipped, not counted as records', async () => {
    const text = [
      OFFICE_HEADER,
      `2026-01-24T06:50:00Z,a@b.com,1.1.1.1,Send,[]`,
      ',,,,',
      '"","",,,',
      `2026-01-24T06:51:00Z,a@b.com,1.1.1.2,Send,[]`,
      ',,,,',
      '',
    ].join('\r\n');
    const { f } = await importOne(file('blank-rows.csv', text));
    expect(counts(f)).toEqual(['office-activity-csv', 2, 2, 0, 0, null]);
  });
});

describe('a record over 16 MiB', () => {
  it('is quarantined once and reading goes on at the next record', async () => {
    const huge = purviewRow(2, { Pad: 'h'.repeat(17 * 1024 * 1024) });
    const text = [PURVIEW_HEADER, purviewRow(1), huge, purviewRow(3), purviewRow(4), ''].join('\r\n');
    const { f, quarantine, events } = await importOne(file('huge-row.csv', text));
    expect(counts(f)).toEqual(['purview-csv', 4, 3, 0, 1, null]);
    expect(events.map((e) => e.ip)).toEqual(['185.73.124.1', '185.73.124.3', '185.73.124.4']);
    expect(quarantine.map(([l, r]) => [l, r])).toEqual([['line 3', expect.stringMatching(/^record longer than 16,777,216 characters/)]]);
  }, 60_000);
});
