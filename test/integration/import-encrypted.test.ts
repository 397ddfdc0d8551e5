// Password-protected zips (ZipCrypto and WinZip AES, written by Info-ZIP and 7-Zip): the archive is
// stored as received, each member is decrypted from the stored bytes with the first password that
// opens it, and imports exactly like the same file unencrypted; the evidence says which cipher was
// undone, and the password is in neither the journal nor the report.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { importPaths } from '../../src/core/ingest';
import { describeOrigin } from '../../src/core/report/sections/evidence';
import type { EvidenceOrigin } from '../../src/shared/model/evidence';
import type { ImportFileResult } from '../../src/shared/model/ingest';
import { casesPerTest, tempDir } from '../helpers/case';
import { mailtrail } from '../helpers/cli';
import { custody } from '../helpers/import';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const ENCRYPTED = join(FIXTURES, 'archives', 'encrypted');
const PLAIN = [join(FIXTURES, 'ual-json', 'records.jsonl')];
const fresh = casesPerTest();
/** Temporary folders of the test, removed after it. */
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** The counts of a row, to compare a decrypted member with the file it was made from. */
const counts = (f: ImportFileResult) => ({
  sha256: f.sha256,
  read: f.read,
  imported: f.imported,
  duplicates: f.duplicates,
  quarantined: f.quarantined,
});

/** Every custody entry's details, as text (to look for the password). */
function journalText(t: ReturnType<typeof fresh>): string {
  return (t.session.db.prepare('SELECT action, details FROM custody ORDER BY seq').all() as { action: string; details: string }[])
    .map((r) => `${r.action} ${r.details}`)
    .join('\n');
}

/** A copy of `file` with one byte of the named member's encrypted data changed. */
async function tampered(file: string, member: RegExp, at: number): Promise<string> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const bytes = readFileSync(join(ENCRYPTED, file));
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  for await (const entry of zip.eachEntry()) {
    if (!member.test(entry.fileName)) continue;
    const header = entry.relativeOffsetOfLocalHeader;
    const dataStart = header + 30 + bytes.readUInt16LE(header + 26) + bytes.readUInt16LE(header + 28);
    bytes[dataStart + at]! ^= 0x20;
  }
  const out = join(dir, file);
  writeFileSync(out, bytes);
  return out;
}

describe('password-protected zip archives', () => {
  it.each(['zipcrypto.zip', 'zipcrypto-streamed.zip', 'aes256.zip', 'aes128-stored.zip'])(
    '%s: without a password every member says how to give one; with it, each imports like the plain file',
    async (file) => {
      const plain = fresh();
      const expected = (await importPaths(plain.session, PLAIN)).files.map(counts)[0]!;

      const t = fresh();
      const locked = await importPaths(t.session, [join(ENCRYPTED, file)]);
      expect(locked.files[0]).toMatchObject({ archive: 'zip' });
      expect(locked.files[0]!.error).toBeUndefined();
      const members = locked.files.slice(1);
      expect(members.length).toBeGreaterThan(0);
      for (const m of members) expect(m.error).toMatch(/password-protected zip\): give its password .*import the archive again/);
      expect(locked.read).toBe(0);

      // The same archive again, with a wrong password before the right one.
      const opened = await importPaths(t.session, [join(ENCRYPTED, file)], { archivePasswords: ['Infected', 'infected'] });
      const records = opened.files.find((f) => /records\.jsonl$|!-$/.test(f.path))!;
      expect(counts(records)).toEqual(expected);
      expect(records.warnings).toBeUndefined();
      expect(opened.files.filter((f) => f.error !== undefined)).toEqual([]);
      expect(opened.read).toBe(opened.imported + opened.duplicates + opened.quarantined);

      const scheme = file.startsWith('aes256') ? 'aes-256' : file.startsWith('aes128') ? 'aes-128' : 'zipcrypto';
      const origin = t.session.db.prepare('SELECT origin FROM evidence_items WHERE id = ?').pluck().get(records.evidenceId) as string;
      expect(JSON.parse(origin)).toMatchObject({ type: 'file', decrypted: scheme });
      // The report's evidence inventory says so.
      expect(describeOrigin(JSON.parse(origin) as EvidenceOrigin)).toMatch(/ \(decrypted: (ZipCrypto|AES-256|AES-128)\)$/);
      expect(journalText(t)).not.toMatch(/nfected/);
    },
  );

  it.each(['zipcrypto-stored-large.zip', 'aes256-stored-large.zip'])(
    '%s (stored, longer than the probe): the right password after a hundred wrong ones, each checked over the whole member',
    async (file) => {
      const t = fresh();
      const wrong = Array.from({ length: 100 }, (_, i) => `guess-${i}`);
      const r = await importPaths(t.session, [join(ENCRYPTED, file)], { archivePasswords: [...wrong, 'infected'] });
      expect(r.files.map((f) => [f.error ?? null, f.warnings ?? null])).toEqual([
        [null, null],
        [null, null],
      ]);
      expect(r).toMatchObject({ read: 60, imported: 60, quarantined: 0 });
      // Wrong ones only: none opens it (none was taken for damage).
      const none = await importPaths(fresh().session, [join(ENCRYPTED, file)], { archivePasswords: wrong });
      expect(none.files[1]!.error).toMatch(/none of the 100 archive passwords given opens/);
      // Two candidates that pass the header (the same password twice): the whole-member pass picks one.
      const twice = await importPaths(fresh().session, [join(ENCRYPTED, file)], { archivePasswords: ['infected', 'infected'] });
      expect(twice).toMatchObject({ read: 60, imported: 60 });
      expect(twice.files[1]!.warnings).toBeUndefined();
    },
  );

  it("a member whose data cannot be read fails alone; the archive's other members import", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const bytes = readFileSync(join(ENCRYPTED, 'zipcrypto.zip'));
    const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
    for await (const entry of zip.eachEntry()) {
      // The local header of signins.json says its extra field runs past the end of the archive.
      if (entry.fileName.endsWith('signins.json')) bytes.writeUInt16LE(0xffff, entry.relativeOffsetOfLocalHeader + 28);
    }
    const path = join(dir, 'one-bad-header.zip');
    writeFileSync(path, bytes);
    const t = fresh();
    const r = await importPaths(t.session, [path], { archivePasswords: ['infected'] });
    expect(r.files.map((f) => [f.path.slice(path.length), f.error?.slice(0, 12) ?? null])).toEqual([
      ['', null],
      ['!export/signins.json', 'cannot read:'],
      ['!export/records.jsonl', null],
    ]);
    expect(r.files[2]).toMatchObject({ read: 5, imported: 3 });
  });

  it('a UTF-8 password opens the archive written with it', async () => {
    const t = fresh();
    const r = await importPaths(t.session, [join(ENCRYPTED, 'zipcrypto-utf8-password.zip')], { archivePasswords: ['Ünïcode pässword'] });
    expect(r.files.filter((f) => f.error !== undefined)).toEqual([]);
    expect(r.imported).toBeGreaterThan(0);
  });

  it('wrong passwords only: each member says none of them opens it, and nothing else is lost', async () => {
    const t = fresh();
    const r = await importPaths(t.session, [join(ENCRYPTED, 'aes256.zip')], { archivePasswords: ['one', 'two'] });
    const members = r.files.slice(1);
    expect(members).toHaveLength(2);
    for (const m of members) expect(m.error).toMatch(/none of the 2 archive passwords given opens \(or whose data is damaged\)/);
    expect(custody(t.session, 'import.unreadable')).toHaveLength(2);
  });

  it.each([
    ['aes128-stored.zip', 'authentication code'],
    ['zipcrypto.zip', 'CRC-32'],
  ])('%s with a changed byte: what reads is imported, the member is flagged and everything adds up', async (file) => {
    const t = fresh();
    // Stored AES: a record's text changes; ZipCrypto (deflated): the data stops inflating or its CRC fails.
    const path = await tampered(file, /records\.jsonl$/, file.startsWith('aes') ? 300 : 400);
    const r = await importPaths(t.session, [path], { archivePasswords: ['infected'] });
    const records = r.files.find((f) => f.path.endsWith('records.jsonl'))!;
    expect(records.read).toBe(records.imported + records.duplicates + records.quarantined);
    expect([...(records.warnings ?? []), records.error ?? ''].join(' ')).toMatch(/integrity check|compressed data is damaged/);
    expect(custody(t.session, 'import.incomplete')).toEqual([expect.objectContaining({ path: records.path, kind: 'cut' })]);
  });

  it('stored ZipCrypto data with a changed byte: nothing tells damage from a wrong password, so it is not read', async () => {
    const t = fresh();
    const path = await tampered('zipcrypto-stored-large.zip', /ual-stored\.jsonl$/, 20_000);
    const r = await importPaths(t.session, [path], { archivePasswords: ['infected'] });
    expect(r.files[1]!.error).toMatch(/the archive password given does not open \(or whose data is damaged\)/);
    expect(r.read).toBe(0);
  });

  it('the CLI reads passwords from a file and MAILTRAIL_ARCHIVE_PASSWORD, and refuses a passwords file it cannot read', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const env = { MAILTRAIL_PASSPHRASE: 'encrypted zip test' };
    const file = join(dir, 'case.mtcase');
    expect(mailtrail(['case', 'create', file, '--name', 'Zip', '--examiner', 'E'], env).status).toBe(0);
    const passwords = join(dir, 'passwords.txt');
    writeFileSync(passwords, '\uFEFFfirst guess\r\ninfected\r\n');
    const zipcrypto = join(dir, 'handover.zip');
    copyFileSync(join(ENCRYPTED, 'zipcrypto.zip'), zipcrypto);
    const fromFile = mailtrail(['import', file, zipcrypto, '--archive-passwords', passwords, '--json'], env);
    expect(fromFile.status).toBe(0);
    expect(fromFile.json()).toMatchObject({ imported: expect.any(Number) as number });
    expect((fromFile.json()['imported'] as number) > 0).toBe(true);
    const fromEnv = mailtrail(['import', file, join(ENCRYPTED, 'aes256.zip'), '--json'], {
      ...env,
      MAILTRAIL_ARCHIVE_PASSWORD: 'infected',
    });
    expect(fromEnv.status).toBe(0);
    expect((fromEnv.json()['files'] as { error?: string }[]).filter((f) => f.error)).toEqual([]);
    const missing = mailtrail(['import', file, zipcrypto, '--archive-passwords', join(dir, 'nope.txt')], env);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the archive passwords file .*nope\.txt: ENOENT/);
  });
});
