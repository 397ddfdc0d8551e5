// JSON exports in the shapes collection tools write them, whole and damaged: a page or Event Hub
// batch on one line longer than the detection sample, a cut record among whole objects (JSON Lines,
// concatenated pretty objects), an array of content blobs (`jq -s`), a record past the size cap,
// and files that open with a blank line or hold an empty array. Every record read ends as exactly
// one of imported, duplicate or quarantined, and every quarantined one names its position.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { FormatId, ImportFileResult } from '../../src/shared/model/ingest';
import { casesPerTest, tempDir } from '../helpers/case';
import { importInEachThread } from '../helpers/import';

const fresh = casesPerTest();
const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** A UAL record of about 1.7 KB, as the Management Activity API writes them. */
function ual(i: number): Record<string, unknown> {
  return {
    CreationTime: `2023-09-20T04:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
    Id: `5a1c0000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    Operation: 'MailItemsAccessed',
    OrganizationId: 'df233d94-fed3-4436-bf9a-a799fb85a159',
    RecordType: 50,
    ResultStatus: 'Succeeded',
    UserId: 'ceo@contoso.com',
    Workload: 'Exchange',
    ClientIPAddress: '185.73.124.135',
    MailboxOwnerUPN: 'ceo@contoso.com',
    OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }],
    Folders: [{ Path: '\\Inbox', FolderItems: [{ InternetMessageId: `<m${i}@contoso.com>` }] }],
    Pad: 'p'.repeat(1200),
  };
}

/** A Graph sign-in of about 1.7 KB. */
function signIn(i: number): Record<string, unknown> {
  return {
    id: `d70d0000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    createdDateTime: `2026-01-24T06:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
    userDisplayName: 'CEO',
    userPrincipalName: 'ceo@contoso.com',
    appId: '4765445b-32c6-49b0-83e6-1d93765276ca',
    appDisplayName: 'OfficeHome',
    ipAddress: '185.73.124.135',
    clientAppUsed: 'Browser',
    status: { errorCode: 0, failureReason: 'Other.', additionalDetails: null },
    deviceDetail: { deviceId: '', displayName: '', operatingSystem: 'Windows10', browser: 'Edge 120.0.0' },
    location: { city: 'Amsterdam', state: 'Noord-Holland', countryOrRegion: 'NL' },
    appliedConditionalAccessPolicies: Array.from({ length: 6 }, (_, k) => ({
      id: `p-${k}`,
      displayName: `Policy ${k}`,
      enforcedGrantControls: ['Mfa'],
      result: 'notApplied',
    })),
    correlationId: `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    pad: 'x'.repeat(700),
  };
}

/** An Azure Monitor (Event Hub) sign-in record. */
function azureSignIn(i: number): Record<string, unknown> {
  return {
    time: `2026-01-24T06:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
    resourceId: '/tenants/df233d94-fed3-4436-bf9a-a799fb85a159/providers/Microsoft.aadiam',
    operationName: 'Sign-in activity',
    category: 'SignInLogs',
    properties: signIn(i),
  };
}

/** A `Search-UnifiedAuditLog` result object as `ConvertTo-Json` writes it (AuditData a string). */
function psUal(i: number, count: number): Record<string, unknown> {
  const audit = ual(i);
  delete audit['Pad'];
  return {
    RunspaceId: '8f6e5c4d-0000-4000-8000-000000000001',
    RecordType: 50,
    CreationDate: `/Date(${1695182400000 + i * 1000})/`,
    UserIds: 'ceo@contoso.com',
    Operations: 'MailItemsAccessed',
    AuditData: JSON.stringify(audit),
    ResultIndex: i + 1,
    ResultCount: count,
    Identity: audit['Id'],
    IsValid: true,
    ObjectState: 'Unchanged',
  };
}

let files = 0;
/** Writes `text` to a new file of the temporary folder; returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, `${files++}-${name}`);
  writeFileSync(path, text);
  return path;
}

/** Imports one file in each thread ({@link importInEachThread}); its quarantined records as [location, reason]. */
async function importOne(path: string, format?: FormatId): Promise<{ f: ImportFileResult; reasons: [string, string][] }> {
  const { f, quarantine } = await importInEachThread(fresh, path, { format, location: /^(line \d+|record \d+ \(line \d+\))/ });
  return { f, reasons: quarantine.map(([location, reason]) => [location, reason]) };
}

const counts = (f: ImportFileResult) => [f.format, f.read, f.imported, f.duplicates, f.quarantined, f.error ?? null];

describe('a page or Event Hub batch on one line, longer than the detection sample', () => {
  it('detects and reads a Graph sign-ins page of 400 records written on one line (curl)', async () => {
    const page = JSON.stringify({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns',
      value: Array.from({ length: 400 }, (_, i) => signIn(i)),
    });
    expect(page.length).toBeGreaterThan(600_000);
    for (const text of [page, `${page}\n`]) {
      const { f } = await importOne(file('signins.json', text));
      expect(counts(f)).toEqual(['graph-signins', 400, 400, 0, 0, null]);
    }
  });

  it('detects and reads Event Hub batches one per line, each longer than the sample', async () => {
    const batch = (from: number) => JSON.stringify({ records: Array.from({ length: 136 }, (_, k) => azureSignIn(from + k)) });
    expect(batch(0).length).toBeGreaterThan(256 * 1024);
    const { f } = await importOne(file('eventhub.json', `${batch(0)}\n${batch(136)}\n`));
    expect(counts(f)).toEqual(['azure-monitor-entra', 272, 272, 0, 0, null]);
  });

  it('detects a page on one line whose first record alone is longer than the sample by reading on, and says so past 16 MiB', async () => {
    const huge = { ...signIn(0), pad: 'x'.repeat(300_000) };
    const text = JSON.stringify({ value: [huge, signIn(1)] });
    const { f } = await importOne(file('one-huge.json', text));
    expect(counts(f)).toEqual(['graph-signins', 2, 2, 0, 0, null]);
    const beyond = JSON.stringify({ value: [{ ...signIn(2), pad: 'x'.repeat(17 << 20) }, signIn(3)] });
    expect((await importOne(file('beyond.json', beyond))).f.error).toMatch(/first 16 MiB \(a record that large/);
    const given = await importOne(file('beyond.json', beyond), 'graph-signins');
    expect(counts(given.f)).toEqual(['graph-signins', 2, 2, 0, 0, null]);
  });
});

describe('a cut record among whole objects: the records after it are read', () => {
  const lines = (from: number, n: number) => Array.from({ length: n }, (_, k) => JSON.stringify(ual(from + k)));

  it('JSON Lines whose first line is cut: the line is quarantined, the rest read (detected, and with --format)', async () => {
    const text = `{"CreationTime": "2023-09-20T04:00:03", \n${lines(1, 3).join('\n')}\n`;
    for (const format of [undefined, 'ual-json'] as const) {
      const { f, reasons } = await importOne(file('brokenfirst.jsonl', text), format);
      expect(counts(f)).toEqual(['ual-json', 4, 3, 0, 1, null]);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]![0]).toBe('line 1');
    }
  });

  it('JSON Lines whose first line is cut and continued on the same line by a whole record', async () => {
    const [a, b, c] = lines(0, 3);
    const text = `${a!.slice(0, 300)}${b}\n${c}\n`;
    const { f, reasons } = await importOne(file('cut-continued.jsonl', text));
    expect(counts(f)).toEqual(['ual-json', 3, 2, 0, 1, null]);
    expect(reasons.map((r) => r[0])).toEqual(['line 1']);
  });

  /** Five `ConvertTo-Json` objects written one after another, the second cut inside its AuditData string. */
  function concatenated(pretty: number | undefined, join: string): string {
    const objs = Array.from({ length: 5 }, (_, i) => JSON.stringify(psUal(i, 5), null, pretty));
    const second = objs[1]!;
    objs[1] = second.slice(0, second.indexOf('MailItemsAccessed', second.indexOf('AuditData')) + 4);
    return objs.join(join) + '\n';
  }

  for (const [name, pretty, sep] of [
    ['pretty-printed, one after another', 4, '\n'],
    ['pretty-printed, CRLF', 4, '\r\n'],
    ['pretty-printed, the next starting right after the cut', 2, ''],
  ] as const) {
    it(`concatenated objects (${name}): the cut one is quarantined, the others read, no false ResultCount warning`, async () => {
      const text = sep === '\r\n' ? concatenated(pretty, '\n').replace(/\n/g, '\r\n') : concatenated(pretty, sep);
      const { f, reasons } = await importOne(file('concatenated.json', text));
      expect(counts(f)).toEqual(['ual-powershell-json', 5, 4, 0, 1, null]);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]![0]).toMatch(/^record 2 \(line \d+\)$/);
      expect(f.warnings ?? []).toEqual([]);
    });
  }

  it('concatenated pretty objects whose first is cut: detected, the others read', async () => {
    const objs = Array.from({ length: 4 }, (_, i) => JSON.stringify(ual(i), null, 2));
    objs[0] = objs[0]!.slice(0, objs[0]!.indexOf('Exchange'));
    const { f, reasons } = await importOne(file('first-cut.json', objs.join('\n')));
    expect(counts(f)).toEqual(['ual-json', 4, 3, 0, 1, null]);
    expect(reasons.map((r) => r[0])).toEqual(['record 1 (line 1)']);
  });

  it('concatenated pretty objects with one cut in the middle of a long file are read on after it', async () => {
    // Past where the scanner looks inside a record that does not close (4 MiB), so it is found while reading.
    const objs = Array.from({ length: 3000 }, (_, i) => JSON.stringify(ual(i), null, 1));
    objs[10] = objs[10]!.slice(0, objs[10]!.indexOf('Bind'));
    const { f, reasons } = await importOne(file('long-concatenated.json', objs.join('\n')));
    expect(counts(f)).toEqual(['ual-json', 3000, 2999, 0, 1, null]);
    expect(reasons.map((r) => r[0])).toEqual([expect.stringMatching(/^record 11 \(line \d+\)$/)]);
  });
});

describe('an array of arrays (jq -s of content blobs)', () => {
  for (const [name, pretty] of [
    ['compact', undefined],
    ['pretty', 2],
  ] as const) {
    it(`reads every record of every inner array (${name}), detected and with --format`, async () => {
      const text = JSON.stringify([[ual(0), ual(1)], [ual(2)]], null, pretty);
      for (const format of [undefined, 'ual-json'] as const) {
        const { f } = await importOne(file('blobs.json', text), format);
        expect(counts(f)).toEqual(['ual-json', 3, 3, 0, 0, null]);
      }
    });
  }

  it('quarantines what is not a record inside an inner array, by its position', async () => {
    const text = JSON.stringify([[ual(0), 7], [], [ual(2)]]);
    const { f, reasons } = await importOne(file('blobs-odd.json', text));
    expect(counts(f)).toEqual(['ual-json', 3, 2, 0, 1, null]);
    expect(reasons[0]![1]).toBe('array element is not an object');
  });
});

describe('a record over 16 MiB', () => {
  it('JSON Lines: the long line is quarantined once and reading goes on at the next line', async () => {
    const huge = JSON.stringify({ ...ual(1), Pad: 'h'.repeat(17 * 1024 * 1024) });
    const text = [JSON.stringify(ual(0)), huge, JSON.stringify(ual(2)), JSON.stringify(ual(3))].join('\n') + '\n';
    const { f, reasons } = await importOne(file('huge-line.jsonl', text), 'ual-json');
    expect(counts(f)).toEqual(['ual-json', 4, 3, 0, 1, null]);
    expect(reasons).toEqual([['line 2', expect.stringMatching(/^line longer than 16,777,216 characters/)]]);
  }, 60_000);

  it('concatenated objects: a record of more than 16 MiB of structure is quarantined once, reading goes on after it', async () => {
    // One long string is read whole; the cap is on structure (here 4.5 million small arrays).
    const huge = JSON.stringify(ual(1), null, 1).replace(/\n\}$/, `,\n "Items": [${'[1],'.repeat(4_500_000)}[1]]\n}`);
    const text = [JSON.stringify(ual(0), null, 1), huge, JSON.stringify(ual(2), null, 1)].join('\n');
    const { f, reasons } = await importOne(file('huge-record.json', text), 'ual-json');
    expect(counts(f)).toEqual(['ual-json', 3, 2, 0, 1, null]);
    expect(reasons).toEqual([[expect.stringMatching(/^record 2 \(line \d+\)$/), expect.stringMatching(/^record longer than/)]]);
  }, 60_000);
});

describe('what a file opens with', () => {
  it('a CSV export starting with a blank line is detected, as the reader skips it', async () => {
    const audit = JSON.stringify(ual(0)).replace(/"/g, '""');
    const text = `\r\nCreationDate,UserIds,Operations,AuditData\r\n2023-09-20T04:00:00.0000000Z,ceo@contoso.com,MailItemsAccessed,"${audit}"\r\n`;
    const { f } = await importOne(file('blank-first.csv', text));
    expect(counts(f)).toEqual(['purview-csv', 1, 1, 0, 0, null]);
  });

  it('JSON starting with blank lines is detected', async () => {
    for (const text of [`\n\n${JSON.stringify([ual(0)])}`, `\r\n${JSON.stringify(ual(0))}\n${JSON.stringify(ual(1))}\n`]) {
      const { f } = await importOne(file('blank-first.json', text));
      expect(f.format).toBe('ual-json');
      expect(f.quarantined).toBe(0);
    }
  });

  it('an empty array is reported as holding no records, like an empty file', async () => {
    for (const text of ['[]', '[ ]\n', '\n[\r\n]\r\n']) {
      const { f } = await importOne(file('empty-array.json', text));
      expect(f.error).toMatch(/^a JSON array with no records/);
      expect(f.read).toBe(0);
    }
    // With --format it is an export of that format with no records.
    const given = await importOne(file('empty-array.json', '[]'), 'ual-json');
    expect(counts(given.f)).toEqual(['ual-json', 0, 0, 0, 0, null]);
  });
});
