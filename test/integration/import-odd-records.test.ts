// Records that are valid JSON but odd: attributes decoded from a string that nest too deeply to
// serialise, .NET's DateTime.MinValue and MaxValue as the record time, an AuditData cut by Excel. Each is handled record by
// record (never the whole file), the same way with and without the parse thread.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../src/core/ingest';
import { listQuarantine } from '../../src/core/store/ingest-repo';
import { casesPerTest, tempDir } from '../helpers/case';

const fresh = casesPerTest();
const { dir, cleanup } = tempDir();
afterAll(cleanup);

const record = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    CreationTime: '2026-01-24T06:54:00',
    Id: id,
    Operation: 'Set-Mailbox',
    RecordType: 1,
    UserId: 'ceo@contoso.com',
    Workload: 'Exchange',
    ...extra,
  });

describe('odd but valid records', () => {
  const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
  const lines = [
    record('ok-1'),
    // JSON inside a string that nests 50,000 deep: decoded into attrs, it cannot be serialised.
    record('deep', { Parameters: [{ Name: 'X', Value: deep }] }),
    record('min', { CreationTime: '0001-01-01T00:00:00' }),
    record('max', { CreationTime: '9999-12-31T23:59:59' }),
    record('ok-2'),
  ];
  const file = join(dir, 'odd.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);

  for (const parseThread of [false, true]) {
    it(`quarantines only the record that cannot be stored and keeps year 1 as year 1 (parse thread ${parseThread ? 'on' : 'off'})`, async () => {
      const { session } = fresh();
      const r = await importPaths(session, [file], { parseThread });
      expect(r.files[0]).toMatchObject({ format: 'ual-json', read: 5, imported: 4, quarantined: 1 });
      expect(r.files[0]!.error).toBeUndefined();
      const q = listQuarantine(session.db, {}).items;
      expect(q.map((x) => [x.location, x.reason])).toEqual([
        ['line 2', expect.stringMatching(/^could not be normalized: its attributes cannot be stored \(.*; nested too deeply\?\)$/)],
      ]);
      const times = session.db.prepare('SELECT ts_us FROM events ORDER BY ts_us').pluck().all() as number[];
      expect(times.map((t) => new Date(t / 1000).toISOString())).toEqual([
        '0001-01-01T00:00:00.000Z',
        '2026-01-24T06:54:00.000Z',
        '2026-01-24T06:54:00.000Z',
        '9999-12-31T23:59:59.000Z',
      ]);
    });
  }

  it('says when AuditData was cut by Excel (a Purview export saved from a spreadsheet)', async () => {
    const { session } = fresh();
    const excel = join(import.meta.dirname, '..', 'fixtures', 'purview-csv', 'excel-saved.csv');
    const r = await importPaths(session, [excel]);
    expect(r.files[0]).toMatchObject({ format: 'purview-csv', read: 2, imported: 1, quarantined: 1 });
    expect(listQuarantine(session.db, {}).items.map((x) => [x.location, x.reason])).toEqual([
      [
        'line 3',
        'AuditData is not valid JSON: cut at 32,767 characters, the most an Excel cell holds (the file was saved from Excel; import the original export)',
      ],
    ]);
  });

  it('reads the whole record that follows a cut one on the same JSON Lines line', async () => {
    const { session } = fresh();
    const cut = record('cut', { Operation: 'MailItemsAccessed' });
    const text = [record('a'), `${cut.slice(0, cut.indexOf('MailItems') + 4)}${record('after-cut')}`, record('b')].join('\n');
    const file = join(dir, 'continued.jsonl');
    writeFileSync(file, `${text}\n`);
    const r = await importPaths(session, [file]);
    expect(r.files[0]).toMatchObject({ read: 4, imported: 3, quarantined: 1 });
    const ids = session.db.prepare(`SELECT json_extract(raw, '$.Id') FROM event_payloads ORDER BY event_id`).pluck().all();
    expect(ids).toEqual(['a', 'after-cut', 'b']);
    expect(listQuarantine(session.db, {}).items.map((q) => [q.location, q.reason])).toEqual([
      [
        'line 2',
        'not valid JSON: a record cut off and another after it on the same line (an export cut off and continued in the same file?); the other is read',
      ],
    ]);
  });

  it('reads on after a stray quote in an array whose records carry JSON inside strings (ConvertTo-Json output)', async () => {
    const { session } = fresh();
    // Search-UnifiedAuditLog | ConvertTo-Json: AuditData is a string of JSON, full of escaped quotes.
    const rows = Array.from({ length: 50 }, (_, k) => ({
      RecordType: 'ExchangeItem',
      CreationDate: '2026-01-24T06:54:00',
      UserIds: 'ceo@contoso.com',
      Operations: 'MailItemsAccessed',
      AuditData: JSON.stringify({
        CreationTime: '2026-01-24T06:54:00',
        Id: `ps-${k}`,
        Operation: 'MailItemsAccessed',
        RecordType: 50,
        UserId: 'ceo@contoso.com',
        Workload: 'Exchange',
      }),
      ResultIndex: k + 1,
      ResultCount: 50,
    }));
    // In the 11th record, and in the first (whose own first key then says what a record looks like).
    for (const at of [10, 0]) {
      const broken = rows.map((row, k) => (k === at ? { ...row, UserIds: 'STRAY' } : row));
      const text = JSON.stringify(broken, null, 2).replace('"STRAY"', '"ceo@contoso.com""');
      const file = join(dir, `convertto-json-${at}.json`);
      writeFileSync(file, text);
      const r = await importPaths(session, [file]);
      expect(r.files[0]!.error).toBeUndefined();
      // The broken record only: the array's `]` went into it, and the array is not reported left open.
      expect(r.files[0], `record ${at}`).toMatchObject({ read: 50, quarantined: 1 });
      expect(r.files[0]!.imported + r.files[0]!.duplicates).toBe(49);
    }
    expect(listQuarantine(session.db, {}).items.map((q) => [q.reason, q.raw?.length ?? 0])).toEqual([
      // The scanner finds the next record at the indentation of the broken one (the lines of the 11th).
      ['not valid JSON, and the next record starts inside it on line 101 (a stray quote?); reading goes on there', expect.any(Number)],
      ['not valid JSON, and the next record starts inside it on line 11 (a stray quote?); reading goes on there', expect.any(Number)],
    ]);
  });
});
