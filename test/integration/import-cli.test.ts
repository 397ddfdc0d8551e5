// `mailtrail import` through the real binary: the exact --json shape, per-file failures with exit 1
// after importing the others, idempotent re-runs, the quarantine listing, and a verified case.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mailtrail } from '../helpers/cli';
import { tempDir } from '../helpers/case';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const env = { MAILTRAIL_PASSPHRASE: 'cli import test' };

describe('mailtrail import', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const file = join(dir, 'case.mtcase');

  it('imports files and a folder, reports failed files and exits 1 after importing the others', () => {
    expect(mailtrail(['case', 'create', file, '--name', 'Import', '--examiner', 'E'], env).status).toBe(0);
    const r = mailtrail(
      [
        'import',
        file,
        join(FIXTURES, 'purview-csv/new-layout.csv'),
        join(FIXTURES, 'graph-signins'),
        join(FIXTURES, 'purview-csv/binary-junk.csv'),
        join(dir, 'missing.csv'),
        '--json',
      ],
      env,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/2 of 4 inputs could not be imported/);
    const out = r.json();
    expect(Object.keys(out)).toEqual(['files', 'read', 'imported', 'duplicates', 'quarantined']);
    const files = out['files'] as Record<string, unknown>[];
    const keys = ['path', 'format', 'sha256', 'bytes', 'read', 'imported', 'duplicates', 'quarantined', 'first', 'last'];
    expect(files.map((f) => Object.keys(f))).toEqual([
      keys,
      // A lone page that links to a next one: imported, and said to be incomplete.
      [...keys, 'warnings'],
      [...keys, 'error'],
      [...keys, 'error'],
    ]);
    // The time span of each file's records, ISO 8601 UTC.
    expect(files.map((f) => [f['first'], f['last']])).toEqual([
      ['2026-01-24T06:39:00.000000Z', '2026-01-24T07:13:00.000000Z'],
      // Graph's seven fractional digits, truncated to µs.
      ['2026-01-24T06:39:00.000000Z', '2026-01-24T06:40:01.123456Z'],
      [null, null],
      [null, null],
    ]);
    expect(files.map((f) => [f['format'], f['read'], f['imported'], f['duplicates'], f['quarantined']])).toEqual([
      ['purview-csv', 11, 10, 1, 0],
      ['graph-signins', 2, 2, 0, 0],
      [null, 0, 0, 0, 0],
      [null, 0, 0, 0, 0],
    ]);
    expect(files[1]!['warnings']).toEqual([expect.stringMatching(/^the page carries @odata\.nextLink/)]);
    expect(files[2]!['error']).toMatch(/binary data/);
    expect(files[3]!['error']).toMatch(/cannot read: ENOENT/);
    expect(files[2]!['sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(out).toMatchObject({ read: 13, imported: 12, duplicates: 1, quarantined: 0 });
  });

  it('re-importing imports nothing new (exit 0, human summary)', () => {
    const r = mailtrail(['import', file, join(FIXTURES, 'purview-csv/new-layout.csv'), join(FIXTURES, 'graph-signins/page.json')], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /new-layout\.csv {2}purview-csv .* read 11, imported 0, duplicates 11, quarantined 0 {2}records 2026-01-24 06:39:00 to 2026-01-24 07:13:00 UTC {2}sha256 /,
    );
    // Warned again, under its file: a warning describes the file, not what was new in it.
    expect(r.stdout).toMatch(/page\.json {2}graph-signins .*\n {2}WARNING incomplete export: the page carries @odata\.nextLink/);
    expect(r.stdout).toMatch(/^total: 2 files, read 13, imported 0, duplicates 13, quarantined 0$/m);
  });

  it('counts an archive as the archive it is, not as one more file', () => {
    const r = mailtrail(
      ['import', file, join(FIXTURES, 'archives/extractor-suite-output.zip'), join(FIXTURES, 'archives/records.jsonl.gz')],
      env,
    );
    expect(r.status).toBe(1); // the README.txt member is not an export
    expect(r.stdout).toMatch(/extractor-suite-output\.zip {2}kept .* zip archive: its 3 members are the next rows/);
    expect(r.stdout).toMatch(/^total: 4 files \+ 2 archives \(1 failed\), read 4, /m);
    const j = mailtrail(['import', file, join(FIXTURES, 'archives/records.jsonl.gz'), '--json'], env).json() as {
      files: Record<string, unknown>[];
    };
    expect(j.files.map((f) => f['archive'] ?? null)).toEqual(['gzip', null]);
  });

  it('prints quarantined records with file position and reason', () => {
    const r = mailtrail(['import', file, join(FIXTURES, 'purview-csv/broken-row.csv')], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/quarantined line 3: AuditData is not valid JSON/);
    expect(r.stdout).toMatch(/quarantined line 4: row has 9 fields, the header has 8/);
    const q = mailtrail(['quarantine', file, '--json'], env);
    expect(q.status).toBe(0);
    expect((q.json()['items'] as { location: string }[]).map((i) => i.location)).toEqual(['line 3', 'line 4']);
  });

  it('refuses an unknown --format as a usage error and honours a given one', () => {
    expect(mailtrail(['import', file, join(FIXTURES, 'graph-signins/page.json'), '--format', 'nope'], env).status).toBe(2);
    const r = mailtrail(['import', file, join(FIXTURES, 'purview-csv/header-only.csv'), '--format', 'entra-signin-csv', '--json'], env);
    expect(r.status).toBe(1);
    expect((r.json()['files'] as { error: string }[])[0]!.error).toMatch(/does not look like entra-signin-csv/);
  });

  it('reads ambiguous locale dates in the --date-order given, and refuses any other value', () => {
    const csv = join(FIXTURES, 'entra-signin-csv/older-layout-24h.csv');
    expect(mailtrail(['import', file, csv, '--date-order', 'dd/mm'], env)).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--date-order must be day\/month or month\/day, not dd\/mm/) as string,
    });
    const r = mailtrail(['import', file, csv, '--date-order', 'day/month', '--json'], env);
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({ read: 2, imported: 2, quarantined: 0, files: [{ first: '2026-03-05T14:22:01.000000Z' }] });
  });

  it('leaves a case that verifies', () => {
    const v = mailtrail(['verify', file], env);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^ok/);
  });
});
