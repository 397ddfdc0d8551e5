// Inputs that arrive in awkward shapes or onto an awkward disk: zip members whose names would be
// unsafe to extract (`..`, a leading `/`, backslashes), operating-system metadata beside exports,
// the case file inside the folder it imports, files that are not exports (workbooks, 7-Zip,
// password-protected or Deflate64 zips, PDFs), a gzip file cut off part-way, an input larger than
// the room left for the case, and a disk that fills while a file is stored or parsed. Each fails
// (or not) on its own, with a reason, and leaves the case consistent with the report.
import { closeSync, mkdirSync, openSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import yazl from 'yazl';
import { importPaths } from '../../src/core/ingest';
import { describeImportFiles, importFileCounts, type ImportFileResult } from '../../src/shared/model/ingest';
import { warningsByEvidence } from '../../src/core/ingest/case-completeness';
import type { CaseSession } from '../../src/core/case/case-file';
import { casesPerTest, tempDir } from '../helpers/case';
import { custody } from '../helpers/import';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fresh = casesPerTest();
const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** A zip of `members`, built by yazl under same-length stand-in names, then renamed in place. */
async function zipWithNames(members: { name: string; stand: string; data: Buffer }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const m of members) zip.addBuffer(m.data, m.stand);
  zip.end();
  const parts: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) parts.push(c);
  let bytes = Buffer.concat(parts);
  // yazl refuses unsafe names (it writes archives to be extracted); the reader must still read them.
  for (const m of members) {
    expect(m.name.length).toBe(m.stand.length);
    bytes = Buffer.from(bytes.toString('latin1').split(m.stand).join(m.name), 'latin1');
  }
  return bytes;
}

/** `n` synthetic audit records as JSON Lines (≈ 600 bytes each), ids unique to this call. */
function auditLines(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        CreationTime: `2026-01-24T06:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
        Id: randomUUID(),
        Operation: 'MailItemsAccessed',
        RecordType: 50,
        UserId: 'ceo@contoso.com',
        Workload: 'Exchange',
        ClientIPAddress: '185.73.124.135',
        Padding: 'x'.repeat(500),
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

function counts(session: CaseSession): { evidence: number; events: number } {
  return {
    evidence: session.evidence.list().length,
    events: Number(session.db.prepare('SELECT count(*) FROM events').pluck().get()),
  };
}

/**
 * Makes the case's `nth` COMMIT from now fail with SQLITE_FULL, as a disk that fills while the
 * pages are written does (`max_page_count` only fails allocations inside statements).
 */
function failFirstCommit(session: CaseSession, nth = 1): { failed: () => boolean; restore: () => void } {
  const exec = session.db.exec.bind(session.db);
  let commits = 0;
  const spy = vi.spyOn(session.db, 'exec').mockImplementation((sql: string) => {
    if (sql === 'COMMIT' && ++commits === nth) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    return exec(sql);
  });
  return { failed: () => commits >= nth, restore: () => spy.mockRestore() };
}

/** Caps the case file at its current size plus `pages` pages: SQLite then fails writes with SQLITE_FULL. */
function capCase(session: CaseSession, pages: number): void {
  const used = Number(session.db.pragma('page_count', { simple: true }));
  session.db.pragma(`max_page_count = ${used + pages}`);
}

describe('zip members with names unsafe to extract', () => {
  it('reads every member and keeps its name as written', async () => {
    const purview = readFileSync(join(FIXTURES, 'purview-csv', 'new-layout.csv'));
    const signins = readFileSync(join(FIXTURES, 'entra-signin-json', 'signins.json'));
    const records = readFileSync(join(FIXTURES, 'ual-json', 'records.jsonl'));
    const zip = join(dir, 'odd-names.zip');
    writeFileSync(
      zip,
      await zipWithNames([
        { name: '../../etc/purview.csv', stand: 'aa/aa/etc/purview.csv', data: purview },
        { name: '/abs/signins.json', stand: 'xabs/signins.json', data: signins },
        { name: 'C:\\x\\records.jsonl', stand: 'Cq_x_records.jsonl', data: records },
      ]),
    );
    const { session } = fresh();
    const r = await importPaths(session, [zip]);
    expect(r.files.map((f) => [f.path.slice(zip.length), f.format, f.error ?? null])).toEqual([
      ['', null, null],
      ['!../../etc/purview.csv', 'purview-csv', null],
      ['!/abs/signins.json', 'entra-signin-json', null],
      // Backslashes read as folder separators, as zip tools written on Windows mean them.
      ['!C:/x/records.jsonl', 'ual-json', null],
    ]);
    expect(r.files[0]!.note).toMatch(/its 3 members are the next rows/);
    expect(r.imported).toBeGreaterThan(0);
    expect(r.read).toBe(r.imported + r.duplicates + r.quarantined);
    // Every member is stored as evidence of its own, under its name as written in the archive.
    const members = session.evidence.list().flatMap((e) => (e.origin.type === 'file' && e.origin.member ? [e.origin.member] : []));
    expect(members.sort()).toEqual(['../../etc/purview.csv', '/abs/signins.json', 'C:/x/records.jsonl']);
  });
});

describe('operating-system metadata in folders and archives', () => {
  it('passes over .DS_Store, Thumbs.db, ._ copies, __MACOSX and drive folders met on the way, reports them, and reads them when named', async () => {
    const root = join(dir, 'usb');
    mkdirSync(join(root, 'export', '.Spotlight-V100', 'Store-V2'), { recursive: true });
    mkdirSync(join(root, '$RECYCLE.BIN'), { recursive: true });
    const purview = join(FIXTURES, 'purview-csv', 'new-layout.csv');
    writeFileSync(join(root, 'export', 'purview.csv'), readFileSync(purview));
    writeFileSync(join(root, 'export', '.DS_Store'), Buffer.from('\0\0\0\x01Bud1\0\0', 'latin1'));
    writeFileSync(join(root, 'export', '._purview.csv'), Buffer.from('\0\x05\x16\x07\0\x02\0\0Mac OS X', 'latin1'));
    writeFileSync(join(root, 'Thumbs.db'), Buffer.alloc(512, 0xd0));
    writeFileSync(join(root, '$RECYCLE.BIN', 'desktop.ini'), '[.ShellClassInfo]\r\n');
    writeFileSync(join(root, 'export', '.Spotlight-V100', 'Store-V2', 'x'), 'x');
    const zip = join(root, 'mac.zip');
    writeFileSync(
      zip,
      await zipWithNames([
        { name: 'signins.json', stand: 'signins.json', data: readFileSync(join(FIXTURES, 'entra-signin-json', 'signins.json')) },
        { name: '__MACOSX/._signins.json', stand: '__MACOSX/._signins.json', data: Buffer.from('\0\x05\x16\x07', 'latin1') },
      ]),
    );
    const { session } = fresh();
    const r = await importPaths(session, [root]);
    const rows = r.files.map((f) => [
      f.path.slice(root.length + 1),
      f.format,
      f.error ?? null,
      f.skipped?.replace(/ \(give.*$/, '') ?? null,
    ]);
    expect(rows).toEqual([
      ['$RECYCLE.BIN', null, null, "skipped: a drive's system folder, not an export"],
      ['Thumbs.db', null, null, 'skipped: Thumbs.db is folder metadata of the operating system, not an export'],
      ['export/.DS_Store', null, null, 'skipped: .DS_Store is folder metadata of the operating system, not an export'],
      ['export/.Spotlight-V100', null, null, "skipped: a drive's system folder, not an export"],
      ['export/._purview.csv', null, null, "skipped: a Mac's resource-fork copy (._ file), not an export"],
      ['export/purview.csv', 'purview-csv', null, null],
      ['mac.zip', null, null, null],
      ['mac.zip!signins.json', 'entra-signin-json', null, null],
      ['mac.zip!__MACOSX/._signins.json', null, null, "skipped: a Mac's resource-fork copy (__MACOSX), not an export"],
    ]);
    // Skipped rows hold nothing and point at no evidence: only the export, the zip and its member are stored.
    expect(r.files.filter((f) => f.skipped).every((f) => f.evidenceId === null && f.read === 0)).toBe(true);
    expect(session.evidence.list()).toHaveLength(3);
    expect(r.files.find((f) => f.path.endsWith('Thumbs.db'))!.bytes).toBe(512);
    expect(importFileCounts(r.files)).toEqual({ files: 2, archives: 1, failed: 0, skipped: 6 });
    // The custody journal names each input passed over, the zip member with its archive's item.
    const skippedEntries = custody(session, 'import.skipped') as { path: string; evidence_id: number | null }[];
    expect(skippedEntries.map((d) => d.path)).toEqual(r.files.filter((f) => f.skipped).map((f) => f.path));
    expect(skippedEntries.at(-1)!.evidence_id).toBe(r.files.find((f) => f.path === zip)!.evidenceId);
    expect(describeImportFiles(importFileCounts(r.files))).toBe('2 files + 1 archive, 6 skipped');

    // A folder the examiner names is read whatever it is called, __MACOSX included; met while
    // walking, a __MACOSX folder is skipped whole.
    const mac = join(dir, 'unpacked', '__MACOSX');
    mkdirSync(mac, { recursive: true });
    writeFileSync(join(mac, 'records.jsonl'), readFileSync(join(FIXTURES, 'ual-json', 'records.jsonl')));
    const macNamed = await importPaths(session, [mac]);
    expect(macNamed.files.map((f) => [f.path, f.format])).toEqual([[join(mac, 'records.jsonl'), 'ual-json']]);
    // The folder given held nothing else: it fails as an input (import-inputs.test.ts).
    const macWalked = await importPaths(session, [join(dir, 'unpacked')]);
    expect(macWalked.files.map((f) => [f.path, f.error ?? f.skipped?.replace(/ \(give.*$/, '')])).toEqual([
      [join(dir, 'unpacked'), 'the folder holds no files to import (1 passed over: __MACOSX)'],
      [mac, "skipped: a Mac's resource-fork copies (__MACOSX), not exports"],
    ]);

    // Named on the command line, a metadata file is read like any other (and here fails as binary).
    const named = await importPaths(session, [join(root, 'export', '.DS_Store')]);
    expect(named.files[0]!.skipped).toBeUndefined();
    expect(named.files[0]!.error).toMatch(/binary data/);
  });
});

describe('the case inside the folder it imports', () => {
  it('never stores the case file in itself, met in the folder or named', async () => {
    const { session, file, dir: caseDir } = fresh();
    writeFileSync(join(caseDir, 'purview.csv'), readFileSync(join(FIXTURES, 'purview-csv', 'new-layout.csv')));
    const r = await importPaths(session, [caseDir, file]);
    expect(r.files.map((f) => [f.path, f.skipped ?? f.format])).toEqual([
      [join(caseDir, 'purview.csv'), 'purview-csv'],
      [file, 'skipped: the case file being imported into (or its journal)'],
      [file, 'skipped: the case file being imported into (or its journal)'],
    ]);
    expect(session.evidence.list()).toHaveLength(1);
  });
});

describe('files that are not exports', () => {
  it('says what a workbook, an archive it cannot open or a PDF is, in one row each', async () => {
    const xlsx = join(dir, 'purview.xlsx');
    writeFileSync(
      xlsx,
      await zipWithNames([
        { name: '[Content_Types].xml', stand: '[Content_Types].xml', data: Buffer.from('<Types/>') },
        { name: 'xl/workbook.xml', stand: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
        { name: 'xl/worksheets/sheet1.xml', stand: 'xl/worksheets/sheet1.xml', data: Buffer.from('<worksheet/>') },
      ]),
    );
    const sevenZip = join(dir, 'export.7z');
    writeFileSync(sevenZip, Buffer.concat([Buffer.from('377abcaf271c0004', 'hex'), Buffer.alloc(200, 7)]));
    const pdf = join(dir, 'report.pdf');
    writeFileSync(pdf, Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.alloc(200, 0)]));
    const { session } = fresh();
    const r = await importPaths(session, [xlsx, sevenZip, pdf]);
    expect(r.files.map((f) => [f.path, f.error])).toEqual([
      [
        xlsx,
        'an Excel workbook (.xlsx), not a text export: save the sheet as "CSV UTF-8" and import that, or better, the original export (Excel cuts cells at 32,767 characters)',
      ],
      [
        sevenZip,
        'a 7-Zip archive, which mailtrail does not open: extract it and import what it holds (the archive itself stays stored as evidence)',
      ],
      [pdf, 'a PDF document, not an export: ask for the CSV or JSON it was made from'],
    ]);
    // A password-protected zip: its members are named, with what to do.
    const locked = await zipWithNames([{ name: 'purview.csv', stand: 'purview.csv', data: Buffer.from('RecordId,AuditData\r\n') }]);
    // Set the "encrypted" flag (bit 0 of the general purpose flags) in the local and central headers.
    for (const sig of [0x04034b50, 0x02014b50]) {
      const at = locked.indexOf(Buffer.from(new Uint32Array([sig]).buffer));
      const flagsAt = at + (sig === 0x04034b50 ? 6 : 8);
      locked.writeUInt16LE(locked.readUInt16LE(flagsAt) | 1, flagsAt);
    }
    const lockedZip = join(dir, 'locked.zip');
    writeFileSync(lockedZip, locked);
    const l = await importPaths(session, [lockedZip]);
    expect(l.files.map((f) => [f.path.slice(dir.length + 1), f.error ?? null])).toEqual([
      ['locked.zip', null],
      [
        'locked.zip!purview.csv',
        "encrypted archive member (a password-protected zip): give its password (import --archive-passwords FILE, or MAILTRAIL_ARCHIVE_PASSWORD; in the app, the import dialog's archive password) and import the archive again (it stays stored as evidence)",
      ],
    ]);
    // A member compressed with Deflate64 (method 9), as Windows Explorer writes large files.
    const big = await zipWithNames([{ name: 'audit.jsonl', stand: 'audit.jsonl', data: Buffer.from('{}\n'.repeat(100)) }]);
    for (const sig of [0x04034b50, 0x02014b50]) {
      const at = big.indexOf(Buffer.from(new Uint32Array([sig]).buffer));
      big.writeUInt16LE(9, at + (sig === 0x04034b50 ? 8 : 10));
    }
    const explorerZip = join(dir, 'explorer.zip');
    writeFileSync(explorerZip, big);
    const e = await importPaths(session, [explorerZip]);
    expect(e.files[1]!.error).toBe(
      'compressed with Deflate64 (as Windows Explorer writes large files), which mailtrail cannot decompress: extract it with 7-Zip and import what it holds (the archive itself stays stored as evidence)',
    );
    // Each is stored as evidence all the same (raw first), the workbook as one item, not its parts.
    expect(r.files.every((f) => f.evidenceId !== null && f.archive === undefined)).toBe(true);
    expect(session.evidence.list()).toHaveLength(5);
  });
});

describe('a gzip file cut off or damaged', () => {
  it('reads the records of its content up to the break, warns, and journals it', async () => {
    const whole = gzipSync(auditLines(4000));
    const cutGz = join(dir, 'cut.jsonl.gz');
    writeFileSync(cutGz, whole.subarray(0, Math.floor(whole.length / 2)));
    const okGz = join(dir, 'whole.jsonl.gz');
    writeFileSync(okGz, whole);
    const { session } = fresh();
    const r = await importPaths(session, [cutGz, okGz]);
    const cut = r.files[1]!;
    expect(cut.path).toBe(`${cutGz}!cut.jsonl`);
    expect(cut.error).toBeUndefined();
    expect(cut.read).toBeGreaterThan(1000);
    expect(cut.read).toBeLessThan(4000);
    expect(cut.read).toBe(cut.imported + cut.duplicates + cut.quarantined);
    expect(cut.quarantined).toBeLessThanOrEqual(1); // the record the cut went through
    expect(cut.warnings).toEqual([
      expect.stringMatching(
        /^the gzip file is cut off after [\d,]+ bytes of content: its records up to there were read, the rest is missing \(get the file again\)$/,
      ),
    ]);
    // The whole file: no warning, and the records the cut one held are duplicates.
    expect(r.files[3]!.warnings).toBeUndefined();
    expect(r.files[3]).toMatchObject({ read: 4000, duplicates: cut.imported, imported: 4000 - cut.imported });
    expect(custody(session, 'import.incomplete')).toEqual([expect.objectContaining({ evidence_id: cut.evidenceId })]);
  });
});

describe('the size of a gzip content before it is inflated', () => {
  it('is read from the gzip trailer (progress shows it; a bare size × 8 did before)', async () => {
    const text = auditLines(3000);
    const gz = join(dir, 'sized.jsonl.gz');
    writeFileSync(gz, gzipSync(text));
    const { session } = fresh();
    const sizes = new Map<string, number>();
    await importPaths(session, [gz], { onProgress: (p) => sizes.set(p.path, p.fileBytes) });
    expect(sizes.get(`${gz}!sized.jsonl`)).toBe(Buffer.byteLength(text));
  });

  it('counts toward the total progress is measured against, as do the members of a zip: done never passes it', async () => {
    const text = auditLines(3000);
    const gz = join(dir, 'total.jsonl.gz');
    writeFileSync(gz, gzipSync(text));
    const zip = join(dir, 'total.zip');
    const z = new yazl.ZipFile();
    z.addBuffer(Buffer.from(auditLines(2000)), 'a.jsonl');
    z.addBuffer(Buffer.from(auditLines(2500)), 'b.jsonl');
    z.end();
    const parts: Buffer[] = [];
    for await (const c of z.outputStream as AsyncIterable<Buffer>) parts.push(c as Buffer);
    writeFileSync(zip, Buffer.concat(parts));
    const { session } = fresh();
    const seen: { done: number; total: number }[] = [];
    await importPaths(session, [gz, zip], { onProgress: (p) => seen.push({ done: p.totalBytesDone, total: p.totalBytes }) });
    for (const p of seen) expect(p.done).toBeLessThanOrEqual(p.total);
    const stored = session.evidence.list().reduce((sum, e) => sum + e.bytes, 0);
    expect(seen.at(-1)).toEqual({ done: stored, total: stored });
  });
});

describe('a gzip file with bytes after its end or a bad checksum', () => {
  it('keeps all of its content and says what is wrong', async () => {
    const text = auditLines(9000);
    const gz = gzipSync(text);
    const junk = join(dir, 'trailing.jsonl.gz');
    writeFileSync(junk, Buffer.concat([gz, Buffer.from('\r\n<html>not gzip</html>')]));
    const badCrc = join(dir, 'bad-crc.jsonl.gz');
    const crc = Buffer.from(gz);
    crc[crc.length - 6]! ^= 0xff; // a byte of the CRC-32 in the trailer
    writeFileSync(badCrc, crc);
    const { session } = fresh();
    const r = await importPaths(session, [junk, badCrc]);
    const size = Buffer.byteLength(text).toLocaleString('en-US');
    for (const [row, how] of [
      [r.files[1]!, `is damaged after ${size} bytes of content`],
      [r.files[3]!, `fails its checksum \\(CRC-32\\) after ${size} bytes of content`],
    ] as const) {
      // Node's zlib drops the output of the write it fails in: the last bytes are fed one at a time.
      expect(row.bytes).toBe(Buffer.byteLength(text));
      expect(row.read).toBe(9000);
      expect(row.warnings).toEqual([expect.stringMatching(new RegExp(`^the gzip file ${how}`))]);
    }
    expect(r.files[1]!.imported + r.files[3]!.duplicates).toBe(18_000);
  });
});

describe('a zip cut off part-way', () => {
  /** A zip of a Purview CSV, 2,000 JSON Lines records and a README, as yazl writes it either way. */
  async function exportZip(descriptors: boolean): Promise<{ bytes: Buffer; lines: string }> {
    const lines = auditLines(2000);
    const zip = new yazl.ZipFile();
    const members: [string, Buffer][] = [
      ['export/purview.csv', readFileSync(join(FIXTURES, 'purview-csv', 'new-layout.csv'))],
      ['export/audit.jsonl', Buffer.from(lines)],
      ['export/README.txt', Buffer.from('collected 2026-01-25\n')],
    ];
    // Sizes before the data (Windows, PowerShell) or in a data descriptor after it (macOS, Java).
    for (const [name, data] of members) {
      if (descriptors) zip.addReadStream(Readable.from([data]), name);
      else zip.addBuffer(data, name);
    }
    zip.end();
    const parts: Buffer[] = [];
    for await (const c of zip.outputStream as AsyncIterable<Buffer>) parts.push(c);
    return { bytes: Buffer.concat(parts), lines };
  }

  for (const descriptors of [false, true]) {
    it(`reads its whole members, the one the cut falls in up to the cut, and warns (${descriptors ? 'data descriptors' : 'sizes first'})`, async () => {
      const { bytes, lines } = await exportZip(descriptors);
      const jsonl = bytes.indexOf('export/audit.jsonl');
      const readme = bytes.indexOf('export/README.txt');
      const cutZip = join(dir, `cut-${descriptors}.zip`);
      writeFileSync(cutZip, bytes.subarray(0, Math.floor((jsonl + readme) / 2)));
      const { session } = fresh();
      const r = await importPaths(session, [cutZip]);
      expect(r.files.map((f) => [f.path, f.error ?? null])).toEqual([
        [cutZip, null],
        [`${cutZip}!export/purview.csv`, null],
        [`${cutZip}!export/audit.jsonl`, null],
      ]);
      const [archive, csv, cut] = r.files as [ImportFileResult, ImportFileResult, ImportFileResult];
      expect(archive.warnings).toEqual([
        'the zip archive is cut off or damaged: the list of its members (at its end) is missing or unreadable (the zip reader says: End of central directory record signature not found. Either not a zip file, or file is truncated), so they were found one by one from its start; 2 found, the last cut off (its own row says how much of it was read)',
      ]);
      // The whole member reads as from the whole archive; the cut one up to its last whole line.
      const wholeCsv = await importPaths(fresh().session, [join(FIXTURES, 'purview-csv', 'new-layout.csv')]);
      expect(csv).toMatchObject({ sha256: wholeCsv.files[0]!.sha256, read: wholeCsv.read, imported: wholeCsv.imported });
      expect(csv.warnings).toBeUndefined();
      expect(cut.read).toBeGreaterThan(100);
      expect(cut.read).toBeLessThan(2000);
      const content = Number(/after ([\d,]+) bytes of content/.exec(cut.warnings![0]!)![1]!.replace(/,/g, ''));
      expect(cut.warnings).toEqual([
        `the zip archive is cut off inside this member, after ${content.toLocaleString('en-US')} bytes of content: its records up to there were read, the rest is missing (get the archive again)`,
      ]);
      // Every line wholly inside what inflated is read; the one the cut falls in is quarantined.
      expect(cut.read).toBe(lines.slice(0, content).split('\n').length);
      expect(cut).toMatchObject({ imported: cut.read - 1, quarantined: 1 });
      expect(counts(session).events).toBe(r.imported);
      // The journal and the case's views keep the marks.
      expect(custody(session, 'import.incomplete')).toEqual([
        { evidence_id: cut.evidenceId, path: cut.path, warning: cut.warnings![0], kind: 'cut' },
        { evidence_id: archive.evidenceId, path: cutZip, warning: archive.warnings![0], kind: 'cut' },
      ]);
      const marks = warningsByEvidence(session.db);
      expect(marks.get(archive.evidenceId!)).toEqual(archive.warnings);
      expect(marks.get(cut.evidenceId!)).toEqual(cut.warnings);
      expect(marks.has(csv.evidenceId!)).toBe(false);
    });
  }

  it('checks each member it finds against its own CRC-32, and stops after one whose end cannot be found', async () => {
    const { bytes } = await exportZip(false);
    const jsonl = bytes.indexOf('export/audit.jsonl') + 'export/audit.jsonl'.length;
    // Damage inside the JSON Lines member's data that still inflates: only its checksum tells.
    const damaged = Buffer.from(bytes);
    for (let k = 0; k < 16; k++) damaged[jsonl + 4000 + k] = damaged[jsonl + 4000 + k]! ^ 0x5a;
    const dmgZip = join(dir, 'damaged-member.zip');
    writeFileSync(dmgZip, damaged.subarray(0, damaged.length - 30));
    const { session } = fresh();
    const r = await importPaths(session, [dmgZip]);
    const rows = new Map(r.files.map((f) => [f.path.slice(dmgZip.length), f]));
    expect([...rows.keys()]).toEqual(['', '!export/purview.csv', '!export/audit.jsonl', '!export/README.txt']);
    const member = rows.get('!export/audit.jsonl')!;
    const failed = member.error ?? member.warnings?.[0] ?? '';
    expect(failed).toMatch(/this member (fails its integrity check|'s compressed data is damaged after)/);
    expect(rows.get('')!.warnings![0]).toMatch(/; 3 found, 1 damaged \(see its own row\)$/);

    // Sizes after the data, and deflate data that does not inflate from its first byte: the member
    // says so, and the walk cannot find the ones after it.
    const { bytes: dd } = await exportZip(true);
    const start = dd.indexOf('export/audit.jsonl') + 'export/audit.jsonl'.length;
    const broken = Buffer.from(dd);
    broken[start] = 0x07; // an invalid deflate block type
    const brokenZip = join(dir, 'broken-member.zip');
    writeFileSync(brokenZip, broken.subarray(0, broken.length - 30));
    const r2 = await importPaths(session, [brokenZip]);
    expect(r2.files.map((f) => [f.path.slice(brokenZip.length), f.error ?? null])).toEqual([
      ['', null],
      ['!export/purview.csv', null],
      ['!export/audit.jsonl', "this member's compressed data is damaged from its start: none of it could be read (get the archive again)"],
    ]);
    expect(r2.files[0]!.warnings![0]).toMatch(
      /; 2 found, 1 damaged \(see its own row\), none after export\/audit\.jsonl, where it ends cannot be found \(a repair tool may find more\)$/,
    );
  });

  it('finds the members of a zip cut just after a stored zip inside it, whose end record then comes last', async () => {
    const inner = new yazl.ZipFile();
    inner.addBuffer(Buffer.from(auditLines(30)), 'inner.jsonl');
    inner.end();
    const innerParts: Buffer[] = [];
    for await (const c of inner.outputStream as AsyncIterable<Buffer>) innerParts.push(c);
    const innerBytes = Buffer.concat(innerParts);
    const outer = new yazl.ZipFile();
    outer.addBuffer(innerBytes, 'backup/inner.zip', { compress: false }); // as Info-ZIP stores zips
    outer.addBuffer(Buffer.from(auditLines(40)), 'audit.jsonl');
    outer.end();
    const parts: Buffer[] = [];
    for await (const c of outer.outputStream as AsyncIterable<Buffer>) parts.push(c);
    const bytes = Buffer.concat(parts);
    const innerEnd = bytes.indexOf(innerBytes) + innerBytes.length;
    const { session } = fresh();
    // Cut right after the inner zip (the zip reader lists the inner zip's directory at the outer's
    // offsets and fails part-way) and a little later (its end record's comment length is wrong).
    for (const [name, at] of [
      ['after-inner', innerEnd],
      ['into-next', innerEnd + 200],
    ] as const) {
      const cutZip = join(dir, `nested-${name}.zip`);
      writeFileSync(cutZip, bytes.subarray(0, at));
      const r = await importPaths(session, [cutZip]);
      expect(
        r.files.map((f) => f.path.slice(cutZip.length)),
        name,
      ).toEqual(['', '!backup/inner.zip', '!backup/inner.zip!inner.jsonl', ...(name === 'into-next' ? ['!audit.jsonl'] : [])]);
      expect(r.files[2]!.read, name).toBe(30);
      expect(r.files[0]!.warnings![0], name).toMatch(/so they were found one by one from its start/);
    }
  });

  it('says so when not even its first member can be found', async () => {
    const { bytes } = await exportZip(false);
    const cutZip = join(dir, 'cut-first.zip');
    writeFileSync(cutZip, bytes.subarray(0, 40)); // inside the first member's name
    const { session } = fresh();
    const r = await importPaths(session, [cutZip]);
    expect(r.files).toHaveLength(1);
    expect(r.files[0]).toMatchObject({ archive: 'zip', read: 0 });
    expect(r.files[0]!.evidenceId).not.toBeNull();
    expect(r.files[0]!.error).toBe(
      'cannot read the archive: it is cut off or damaged (the list of its members, at its end, is missing), and no member could be found from its start either; get the file again, or extract what a repair tool (zip -FF, 7-Zip) recovers and import that',
    );
  });
});

describe('a file that ends in zeros (a copy never completed)', () => {
  it('reads the records before the zeros, warns, and keeps the mark on the item', async () => {
    const { session } = fresh();
    const lines = auditLines(200);
    const cut = lines.slice(0, lines.lastIndexOf('\n', 60_000) + 1 + 300); // part of the next line, then zeros
    const jsonl = join(dir, 'zero-tail.jsonl');
    writeFileSync(jsonl, Buffer.concat([Buffer.from(cut), Buffer.alloc(40_000)]));
    const csv = join(dir, 'zero-tail.csv');
    writeFileSync(csv, Buffer.concat([readFileSync(join(FIXTURES, 'purview-csv', 'new-layout.csv')), Buffer.alloc(3000)]));
    const r = await importPaths(session, [jsonl, csv]);
    const whole = cut.split('\n').length - 1;
    expect(r.files[0]).toMatchObject({ read: whole + 1, imported: whole, quarantined: 1 });
    expect(r.files[0]!.warnings).toEqual([
      'the file ends with 40,000 zero bytes, which were not read: a copy or download that was never completed, or space set aside and never written (records it should hold may be missing; get the file again)',
    ]);
    const csvWhole = await importPaths(fresh().session, [join(FIXTURES, 'purview-csv', 'new-layout.csv')]);
    expect(r.files[1]!.error).toBeUndefined();
    expect(r.files[1]).toMatchObject({ read: csvWhole.read, quarantined: csvWhole.quarantined });
    expect(r.files[1]!.warnings![0]).toMatch(/^the file ends with 3,000 zero bytes/);
    expect(warningsByEvidence(session.db).get(r.files[0]!.evidenceId!)).toEqual(r.files[0]!.warnings);
  });
});

describe('tar archives', () => {
  /** A folder as a responder's Linux or Mac box collects it: a CSV, JSON Lines and Finder's metadata. */
  function collectedFolder(name: string, lines: string): string {
    const root = join(dir, name);
    mkdirSync(join(root, 'export'), { recursive: true });
    writeFileSync(join(root, 'export', 'purview.csv'), readFileSync(join(FIXTURES, 'purview-csv', 'new-layout.csv')));
    writeFileSync(join(root, 'export', 'audit.jsonl'), lines);
    writeFileSync(join(root, 'export', '.DS_Store'), Buffer.from('\0\0\0\x01Bud1', 'latin1'));
    return root;
  }

  it('opens a .tgz: the gzip file, the tar in it and its members each get a row, read from the stored bytes', async () => {
    const lines = auditLines(300);
    const root = collectedFolder('tgz', lines);
    const tgz = join(dir, 'collection.tgz');
    execFileSync('tar', ['--sort=name', '-czf', tgz, '-C', root, 'export']);
    const { session } = fresh();
    const r = await importPaths(session, [tgz]);
    const tar = `${tgz}!collection.tar`;
    expect(r.files.map((f) => [f.path, f.archive ?? f.format ?? null, f.error ?? f.skipped ?? null])).toEqual([
      [tgz, 'gzip', null],
      [tar, 'tar', null],
      [`${tar}!export/.DS_Store`, null, expect.stringMatching(/^skipped: /)],
      [`${tar}!export/audit.jsonl`, 'ual-json', null],
      [`${tar}!export/purview.csv`, 'purview-csv', null],
    ]);
    expect(r.files[1]!.note).toBe('tar archive: its 3 members are the next rows');
    expect(r.files[1]!.warnings).toBeUndefined();
    expect(r.files[3]).toMatchObject({ read: 300, imported: 300, sha256: createHash('sha256').update(lines).digest('hex') });
    expect(describeImportFiles(importFileCounts(r.files))).toBe('2 files + 2 archives, 1 skipped');
    const items = new Map(session.evidence.list().map((e) => [e.id, e]));
    expect(items.get(r.files[1]!.evidenceId!)?.kind).toBe('archive-member');
    expect(items.get(r.files[3]!.evidenceId!)?.origin).toMatchObject({ path: tgz, member: 'collection.tar!export/audit.jsonl' });
    expect(counts(session).events).toBe(r.imported);
  });

  it('reads a tar cut off part-way up to the cut, and warns on the member and the archive', async () => {
    const lines = auditLines(2000);
    const root = collectedFolder('tar-cut', lines);
    const whole = join(dir, 'whole.tar');
    execFileSync('tar', ['--sort=name', '-cf', whole, '-C', root, 'export']);
    const bytes = readFileSync(whole);
    const start = bytes.indexOf(lines.slice(0, 40));
    const cutTar = join(dir, 'cut.tar');
    writeFileSync(cutTar, bytes.subarray(0, start + 500_000));
    const { session } = fresh();
    const r = await importPaths(session, [cutTar]);
    expect(r.files.map((f) => [f.path, f.error ?? f.skipped ?? null])).toEqual([
      [cutTar, null],
      [`${cutTar}!export/.DS_Store`, expect.stringMatching(/^skipped: /)],
      [`${cutTar}!export/audit.jsonl`, null],
    ]);
    const [archive, , cut] = r.files as [ImportFileResult, ImportFileResult, ImportFileResult];
    expect(archive).toMatchObject({ archive: 'tar', evidenceId: expect.any(Number) });
    expect(archive.warnings).toEqual([
      'the tar archive is cut off: 2 members found, the last cut off (its own row says how much of it was read)',
    ]);
    expect(cut.warnings).toEqual([
      'the tar archive is cut off inside this member, after 500,000 bytes of content: its records up to there were read, the rest is missing (get the archive again)',
    ]);
    expect(cut.read).toBe(lines.slice(0, 500_000).split('\n').length);
    expect(cut).toMatchObject({ imported: cut.read - 1, quarantined: 1 });
    expect(custody(session, 'import.incomplete')).toEqual([
      { evidence_id: cut.evidenceId, path: cut.path, warning: cut.warnings![0], kind: 'cut' },
      { evidence_id: archive.evidenceId, path: cutTar, warning: archive.warnings![0], kind: 'cut' },
    ]);
  });
});

describe('room on the disk that holds the case', () => {
  it('fails an input larger than the room left before storing any of it, and imports the rest', async () => {
    const { session, file } = fresh();
    const st = statfsSync(dirname(file));
    // A sparse file: as large as the disk's free space and a gigabyte more, occupying almost nothing.
    const huge = join(dir, 'huge.jsonl');
    const fd = openSync(huge, 'w');
    closeSync(fd);
    const { truncateSync } = await import('node:fs');
    truncateSync(huge, Number(st.bavail) * Number(st.bsize) + 2 ** 30);
    const before = counts(session);
    const small = join(FIXTURES, 'purview-csv', 'new-layout.csv');
    const r = await importPaths(session, [huge, small]);
    expect(r.files[0]).toMatchObject({ path: huge, evidenceId: null, read: 0 });
    expect(r.files[0]!.error).toMatch(
      /^not enough free disk space to import it: storing it and its events takes about [\d,.]+ MB \(≈ 3\.2× its size\), [\d,.]+ MB are free for the case/,
    );
    expect(r.files[1]).toMatchObject({ path: small, format: 'purview-csv' });
    expect(r.files[1]!.imported).toBeGreaterThan(0);
    // Nothing of the huge file entered the case; its journal says it was refused, and why.
    expect(counts(session)).toEqual({ evidence: before.evidence + 1, events: before.events + r.imported });
    expect(custody(session, 'import.refused')).toEqual([
      { evidence_id: null, path: huge, bytes: Number(st.bavail) * Number(st.bsize) + 2 ** 30, reason: r.files[0]!.error },
    ]);
  });

  it('a disk that fills while storing fails that input only, with the reason, and keeps the others', async () => {
    const { session } = fresh();
    const big = join(dir, 'store-full.jsonl');
    writeFileSync(big, auditLines(4000)); // ≈ 2.5 MB: more than the cap below
    const small = join(FIXTURES, 'purview-csv', 'new-layout.csv');
    capCase(session, 60); // ≈ 1 MB of 16 KiB pages
    const before = counts(session);
    const r = await importPaths(session, [big, small]);
    expect(r.files[0]!.error).toMatch(
      /^the disk holding the case is full \([\d,.]+ MB free\) while storing it; free space and import it again/,
    );
    expect(r.files[0]).toMatchObject({ evidenceId: null, read: 0 });
    expect(r.files[1]!.imported).toBeGreaterThan(0);
    expect(counts(session)).toEqual({ evidence: before.evidence + 1, events: before.events + r.imported });
  });

  it('a disk that fills while parsing undoes the small inputs committed with it, says so, and a re-run imports all', async () => {
    const { session } = fresh();
    const first = join(FIXTURES, 'purview-csv', 'new-layout.csv');
    const full = join(dir, 'parse-full.jsonl');
    writeFileSync(full, auditLines(3000)); // ≈ 1.9 MB stored, ≈ 8 MB of events and payloads
    const last = join(FIXTURES, 'purview-csv', 'classic-layout.csv');
    // The three are small, so they share one group commit, which SQLite rolls back on a full disk.
    const before = counts(session);
    capCase(session, 400);
    const r = await importPaths(session, [first, full, last]);
    expect(r.files.map((f) => f.path)).toEqual([first, full, last]);
    expect(r.files[0]).toMatchObject({ evidenceId: null, read: 0, imported: 0 });
    expect(r.files[0]!.error).toBe(
      `not imported: undone with ${full}, whose failure rolled back the inputs imported since the last commit; import it again`,
    );
    expect(r.files[1]).toMatchObject({ evidenceId: null, read: 0 });
    expect(r.files[1]!.error).toMatch(
      /^the disk holding the case is full \([\d,.]+ MB free\) while parsing it; .* \(this also undid 1 input imported with it since the last commit\)$/,
    );
    expect(r.files[2]!.imported).toBeGreaterThan(0);
    // The case holds exactly what the report says: the last input only.
    expect(counts(session)).toEqual({ evidence: before.evidence + 1, events: before.events + r.imported });

    // Room again: everything imports, the last input's records as duplicates.
    session.db.pragma('max_page_count = 1073741823');
    const again = await importPaths(session, [first, full, last]);
    expect(again.files.map((f) => f.error ?? null)).toEqual([null, null, null]);
    expect(again.files[1]).toMatchObject({ read: 3000, imported: 3000 });
    expect(again.files[2]).toMatchObject({ imported: 0, duplicates: r.files[2]!.imported });
    expect(counts(session).events).toBe(before.events + r.imported + again.imported);
  });

  it('undoing a group leaves the rows of inputs it never stored as they were', async () => {
    const { session } = fresh();
    const folder = join(dir, 'with-metadata');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '.DS_Store'), Buffer.from('\0\0\0\x01Bud1', 'latin1'));
    const first = join(FIXTURES, 'purview-csv', 'new-layout.csv');
    const missing = join(dir, 'no-such-file.json');
    const full = join(dir, 'group-full.jsonl');
    writeFileSync(full, auditLines(3000));
    capCase(session, 150);
    const r = await importPaths(session, [first, folder, missing, full]);
    expect(r.files.map((f) => [f.path, f.skipped ?? f.error ?? null])).toEqual([
      [first, expect.stringMatching(/^not imported: undone with .*group-full\.jsonl/)],
      // A folder given with nothing to import fails as an input of its own (import-inputs.test.ts).
      [folder, 'the folder holds no files to import (1 passed over: .DS_Store)'],
      [join(folder, '.DS_Store'), expect.stringMatching(/^skipped: \.DS_Store is folder metadata/)],
      [missing, 'cannot read: ENOENT'],
      [full, expect.stringMatching(/ \(this also undid 1 input imported with it since the last commit\)$/)],
    ]);
    expect(describeImportFiles(importFileCounts(r.files))).toBe('4 files (4 failed), 1 skipped');
    // The rollback took the journal entries written since the group opened; those about inputs it
    // never stored are written again, so the case still says what was left out and why.
    expect(custody(session, 'import.skipped')).toEqual([
      { evidence_id: null, path: join(folder, '.DS_Store'), bytes: 8, reason: r.files[2]!.skipped },
    ]);
    expect(custody(session, 'import.refused')).toEqual([
      { evidence_id: null, path: folder, reason: r.files[1]!.error },
      { evidence_id: null, path: missing, reason: 'cannot read: ENOENT' },
    ]);
  });

  it('a journal entry that cannot be written and rolls the group back undoes the archive being read, and nothing names its id', async () => {
    const { session } = fresh();
    const zip = new yazl.ZipFile();
    zip.addBuffer(readFileSync(join(FIXTURES, 'purview-csv', 'new-layout.csv')), 'export/audit.csv');
    zip.addBuffer(Buffer.from('\0\0\0\x01Bud1', 'latin1'), 'export/.DS_Store');
    zip.addBuffer(Buffer.from('thumbs'), 'x/Thumbs.db');
    zip.end();
    const parts: Buffer[] = [];
    for await (const c of zip.outputStream as AsyncIterable<Buffer>) parts.push(c);
    const archive = join(dir, 'journal-full.zip');
    writeFileSync(archive, Buffer.concat(parts));
    const next = join(dir, 'journal-full-next.jsonl');
    writeFileSync(next, auditLines(10));
    // The first import.skipped entry meets a full disk that rolls the whole group back.
    const append = session.journal.append.bind(session.journal);
    let armed = true;
    const spy = vi.spyOn(session.journal, 'append').mockImplementation((action: string, details: Record<string, unknown>) => {
      if (armed && action === 'import.skipped') {
        armed = false;
        session.db.exec('ROLLBACK');
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }
      return append(action, details);
    });
    let r;
    try {
      r = await importPaths(session, [archive, next]);
    } finally {
      spy.mockRestore();
    }
    const undone = `not imported: undone with the custody journal entry import.skipped for ${archive}!export/.DS_Store, whose failure rolled back the inputs imported since the last commit; import it again`;
    expect(r.files.map((f) => [f.path, f.evidenceId, f.skipped ?? f.error ?? null])).toEqual([
      [archive, null, undone],
      [`${archive}!export/audit.csv`, null, undone],
      [
        `${archive}!export/.DS_Store`,
        null,
        'not imported: its archive was undone with the inputs imported since the last commit; import it again',
      ],
      [next, expect.any(Number), null],
    ]);
    // The id the archive had now belongs to the next input: no entry about the archive names it.
    const items = session.evidence.list();
    expect(items.map((e) => e.origin)).toEqual([expect.objectContaining({ path: next })]);
    expect(custody(session, 'import.skipped')).toEqual([]);
    expect(counts(session).events).toBe(r.imported);
  });

  it('an archive stored before the group that is undone keeps its journaled warning', async () => {
    const { session } = fresh();
    const src = join(dir, 'no-end-src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'a.jsonl'), auditLines(20));
    writeFileSync(join(src, 'b.jsonl'), auditLines(20));
    const tar = join(dir, 'no-end.tar');
    execFileSync('tar', ['-cf', tar, '-C', src, 'a.jsonl', 'b.jsonl']);
    const bytes = readFileSync(tar);
    const lastEnd = bytes.lastIndexOf(Buffer.from('}\n')) + 2;
    writeFileSync(tar, bytes.subarray(0, Math.ceil(lastEnd / 512) * 512)); // without its end blocks
    // The group holding the tar and a.jsonl commits (it is a second old); b.jsonl's group fails to.
    const real = performance.now.bind(performance);
    let offset = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => real() + offset);
    const commit = failFirstCommit(session, 2);
    let r;
    try {
      r = await importPaths(session, [tar], {
        onProgress: (p) => {
          if (p.path.endsWith('!a.jsonl')) offset = 60_000;
        },
      });
    } finally {
      clock.mockRestore();
      commit.restore();
    }
    expect(commit.failed()).toBe(true);
    expect(r.files.map((f) => [f.path, f.error ?? null])).toEqual([
      [tar, null],
      [`${tar}!a.jsonl`, null],
      [`${tar}!b.jsonl`, expect.stringMatching(/^not imported: committing it with the inputs imported since the last commit failed/)],
    ]);
    expect(r.files[0]!.warnings).toEqual([
      'the tar archive ends without its end-of-archive blocks: it may be cut off after 2 members (get the archive again if members are missing)',
    ]);
    expect(custody(session, 'import.incomplete')).toEqual([
      { evidence_id: r.files[0]!.evidenceId, path: tar, warning: r.files[0]!.warnings![0], kind: 'cut' },
    ]);
  });

  it('a gzip content stored outside any group is parsed outside one: nothing can undo its events and leave its item', async () => {
    const { session } = fresh();
    const a = join(dir, 'outside-a.jsonl');
    writeFileSync(a, auditLines(20));
    const gz = gzipSync(auditLines(300));
    gz.writeUInt32LE(0x7fffffff, gz.length - 4); // a trailer that overstates its content: the estimate says large
    const g = join(dir, 'outside-content.jsonl.gz');
    writeFileSync(g, gz);
    // Before, the content was parsed in a group opened for it, whose commit (the second) could fail
    // and take its events and its row while its evidence stayed.
    const commit = failFirstCommit(session, 2);
    let r;
    try {
      r = await importPaths(session, [a, g]);
    } finally {
      commit.restore();
    }
    expect(r.files.map((f) => [f.path, f.error ?? null])).toEqual([
      [a, null],
      [g, null],
      [`${g}!outside-content.jsonl`, null],
    ]);
    expect(r.files[2]).toMatchObject({ read: 300, imported: 300 });
    for (const e of session.evidence.list()) expect(r.files.some((f) => f.evidenceId === e.id)).toBe(true);
    expect(counts(session).events).toBe(r.imported);
  });

  it('undoing a group takes the rows and journal entries of the members of an archive it stored', async () => {
    const { session } = fresh();
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('\0\0\0\x01Bud1', 'latin1'), 'export/.DS_Store');
    zip.addBuffer(readFileSync(join(FIXTURES, 'purview-csv', 'new-layout.csv')), 'export/audit.csv');
    zip.addBuffer(Buffer.from(auditLines(50)), 'export/broken.jsonl');
    zip.end();
    const parts: Buffer[] = [];
    for await (const c of zip.outputStream as AsyncIterable<Buffer>) parts.push(c);
    const bytes = Buffer.concat(parts);
    // Damage the last member's compressed data: storing it fails (refused, nothing of it kept).
    const broken = bytes.indexOf('export/broken.jsonl') + 'export/broken.jsonl'.length + 200;
    bytes.fill(0xff, broken, broken + 64);
    const archive = join(dir, 'undone-members.zip');
    writeFileSync(archive, bytes);
    const commit = failFirstCommit(session);
    let r;
    try {
      r = await importPaths(session, [archive, join(dir, 'no-such.csv')]);
    } finally {
      commit.restore();
    }
    expect(commit.failed()).toBe(true);
    expect(r.files.map((f) => [f.path, f.skipped ?? f.error ?? null])).toEqual([
      [archive, expect.stringMatching(/^not imported: committing it with the inputs imported since the last commit failed/)],
      [
        `${archive}!export/.DS_Store`,
        'not imported: its archive was undone with the inputs imported since the last commit; import it again',
      ],
      [`${archive}!export/audit.csv`, expect.stringMatching(/^not imported: committing it/)],
      [
        `${archive}!export/broken.jsonl`,
        'not imported: its archive was undone with the inputs imported since the last commit; import it again',
      ],
      [join(dir, 'no-such.csv'), 'cannot read: ENOENT'],
    ]);
    expect(counts(session)).toEqual({ evidence: 0, events: 0 });
    // No entry names the undone archive; the refusal of the missing path stays.
    expect(custody(session, 'import.skipped')).toEqual([]);
    expect(custody(session, 'import.refused')).toEqual([
      { evidence_id: null, path: join(dir, 'no-such.csv'), reason: 'cannot read: ENOENT' },
    ]);
  });

  it('a commit that fails (where a real full disk strikes) undoes its group in the report instead of throwing', async () => {
    const { session } = fresh();
    const inputs = ['new-layout.csv', 'classic-layout.csv'].map((f) => join(FIXTURES, 'purview-csv', f));
    // A real disk fills when the pages are written, at COMMIT: fail the first COMMIT as SQLite does.
    const commit = failFirstCommit(session);
    try {
      const r = await importPaths(session, inputs);
      expect(r.files.map((f) => f.error)).toEqual([
        'not imported: committing it with the inputs imported since the last commit failed (the disk holding the case is full); import it again',
        'not imported: committing it with the inputs imported since the last commit failed (the disk holding the case is full); import it again',
      ]);
      expect(r).toMatchObject({ read: 0, imported: 0 });
      expect(counts(session)).toEqual({ evidence: 0, events: 0 });
      expect(commit.failed()).toBe(true);
    } finally {
      commit.restore();
    }
    // With room again, both import.
    const again = await importPaths(session, inputs);
    expect(again.files.every((f) => f.error === undefined && f.imported > 0)).toBe(true);
  });

  // Two ways a failed commit can take an item's storing with it after the item was stored: its
  // content joins the group on a wrong size estimate (the trailer of a two-member gzip gives the
  // last member's size) and the group is committed before the content is parsed; or the group is
  // committed before the content is stored, undoing the gzip file it would be read from.
  for (const [name, members, expected] of [
    ['two members, wrong estimate', 2, 'not imported: committing the inputs imported before it failed and undid it too; import it again'],
    [
      'one member, right estimate',
      1,
      'not imported: its archive was undone with the inputs imported since the last commit; import it again',
    ],
  ] as const) {
    it(`a failed commit never leaves a row or journal entry pointing at an evidence id reused later (${name})`, async () => {
      const { session } = fresh();
      const a = join(dir, `reuse-a-${members}.jsonl`);
      writeFileSync(a, auditLines(50));
      // Highly compressible: under 1 MiB stored, over 8 MiB inflated.
      const b = join(dir, `reuse-b-${members}.jsonl.gz`);
      const big = gzipSync(auditLines(1).repeat(14_000));
      writeFileSync(b, members === 2 ? Buffer.concat([big, gzipSync('\n')]) : big);
      const later = [1, 2, 3].map((k) => {
        const f = join(dir, `reuse-c${k}-${members}.jsonl`);
        writeFileSync(f, auditLines(20));
        return f;
      });
      const commit = failFirstCommit(session);
      let r;
      try {
        r = await importPaths(session, [a, b, ...later]);
      } finally {
        commit.restore();
      }
      expect(commit.failed()).toBe(true);
      const content = r.files.find((f) => f.path === `${b}!reuse-b-${members}.jsonl`)!;
      expect(content).toMatchObject({ evidenceId: null, read: 0 });
      expect(content.error).toBe(expected);
      // Every row and every journal entry that names an evidence item names the input it stored.
      const items = new Map(session.evidence.list().map((e) => [e.id, e]));
      for (const f of r.files.filter((x) => x.evidenceId !== null)) expect(items.get(f.evidenceId!)?.sha256, f.path).toBe(f.sha256);
      const named = session.db
        .prepare(`SELECT details FROM custody WHERE action LIKE 'import.%'`)
        .pluck()
        .all()
        .map((d) => JSON.parse(d as string) as { evidence_id?: number | null; path?: string })
        .filter((d) => typeof d.evidence_id === 'number');
      for (const d of named) {
        const row = r.files.find((f) => f.evidenceId === d.evidence_id);
        expect(row?.path, JSON.stringify(d)).toBe(d.path ?? row?.path);
      }
      expect(counts(session).events).toBe(r.imported);
    });
  }

  it('a disk too full for the full-text index still returns the report, with a warning, and a later import catches up', async () => {
    const big = join(dir, 'fts-full.jsonl');
    writeFileSync(big, auditLines(6000));
    const pages = (db: CaseSession['db']) => Number(db.pragma('page_count', { simple: true }));
    const ftsPages = (db: CaseSession['db']) =>
      Number(db.prepare(`SELECT count(*) FROM dbstat WHERE name LIKE 'events_fts%'`).pluck().get());
    // Measured in a case of its own: the pages the import takes, and those of its full-text index.
    const probe = fresh().session;
    const start = pages(probe.db);
    await importPaths(probe, [big]);
    const growth = pages(probe.db) - start;
    const fts = ftsPages(probe.db);
    expect(fts).toBeGreaterThan(20);
    // Room for the evidence and the events, not for the full-text index.
    const { session } = fresh();
    capCase(session, growth - Math.floor(fts / 2));
    const r = await importPaths(session, [big]);
    expect(r.files[0]).toMatchObject({ read: 6000, imported: 6000 });
    expect(r.files[0]!.error).toBeUndefined();
    expect(counts(session).events).toBe(6000);
    expect(r.warnings).toEqual([expect.stringMatching(/^the disk holding the case filled while the full-text index was built/)]);
    // With room, the next import (here, of nothing new) catches the index up.
    session.db.pragma('max_page_count = 1073741823');
    const again = await importPaths(session, [big]);
    expect(again.warnings).toBeUndefined();
    expect(again.files[0]).toMatchObject({ read: 6000, duplicates: 6000 });
    expect(session.db.prepare('SELECT count(*) FROM events_fts').pluck().get()).toBe(6000);
  });

  for (const parseThread of [true, false]) {
    it(`a large input that fills the disk while parsing keeps and counts its committed batches (parse thread ${parseThread ? 'on' : 'off'})`, async () => {
      const { session } = fresh();
      const big = join(dir, `batches-${parseThread}.jsonl`);
      const lines = 15_000;
      writeFileSync(big, auditLines(lines)); // ≈ 9.4 MB: committed per batch, outside any group
      const bytes = readFileSync(big).length;
      const before = counts(session);
      // Room to store the file and for a few batches of 1,000 events, not for all 15.
      capCase(session, Math.ceil(bytes / 16_000) + 40 + 400);
      const r = await importPaths(session, [big], { batchRecords: 1000, parseThread });
      const row = r.files[0]!;
      expect(row.error).toMatch(/^the disk holding the case is full \([\d,.]+ MB free\) while parsing it; free space and import it again/);
      expect(row.evidenceId).not.toBeNull();
      expect(row.read).toBeGreaterThan(0);
      expect(row.read).toBeLessThan(lines);
      expect(row.read).toBe(row.imported + row.duplicates + row.quarantined);
      expect(counts(session)).toEqual({ evidence: before.evidence + 1, events: before.events + row.imported });
      expect(custody(session, 'import.unreadable')).toEqual([
        expect.objectContaining({ evidence_id: row.evidenceId, records_committed: row.read }),
      ]);

      session.db.pragma('max_page_count = 1073741823');
      const again = await importPaths(session, [big], { batchRecords: 1000, parseThread });
      expect(again.files[0]).toMatchObject({
        evidenceId: row.evidenceId,
        read: lines,
        duplicates: row.imported,
        imported: lines - row.imported,
      });
      expect(counts(session).events).toBe(before.events + lines);
    });
  }
});
