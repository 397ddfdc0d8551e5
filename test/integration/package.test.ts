// Sealed evidence packages as a user makes, checks and opens them: the real CLI in a child process.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, openCase } from '../../src/core/case/case-file';
import { createCore } from '../../src/core/index';
import { generateSigningKey, loadPrivateKey, signManifest } from '../../src/core/package/signing';
import { tempDir } from '../helpers/case';
import { mailtrail } from '../helpers/cli';
import { fillCase } from './report-fixture';
import { flipMemberByte, readMembers, writeMembers } from './zip-tamper';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON is checked by the assertions
type Json = Record<string, any>;
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const PW = 'package test passphrase';
const env = { MAILTRAIL_PASSPHRASE: PW };
const noPw = { MAILTRAIL_PASSPHRASE: '' };
const caseFile = join(dir, 'bec.mtcase');
const key = join(dir, 'examiner.pem');
const pub = join(dir, 'examiner.pub.pem');
const signed = join(dir, 'signed.mtpkg');
const unsigned = join(dir, 'unsigned.mtpkg');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

let n = 0;
/** A fresh copy of a package to tamper with. */
function copyOf(pkg: string): string {
  const f = join(dir, `tampered-${++n}.mtpkg`);
  copyFileSync(pkg, f);
  return f;
}

beforeAll(async () => {
  const s = createCase({
    file: caseFile,
    name: 'Contoso BEC',
    examiner: 'A. Examiner',
    number: 'BEC-7',
    timeZone: 'Europe/Berlin',
    passphrase: PW,
  });
  await fillCase(s, 120);
  s.close();
  expect(mailtrail(['keygen', '--out', key], noPw).status).toBe(0);
  const r1 = mailtrail(['package', caseFile, '--out', signed, '--sign', key, '--json'], env);
  expect(r1.stderr).toBe('');
  expect(r1.status).toBe(0);
  expect(mailtrail(['package', caseFile, '--out', unsigned], env).status).toBe(0);
}, 120_000);

describe('mailtrail package', () => {
  it('writes one ZIP with the case copy, journal, report, manifest and signature', async () => {
    const members = await readMembers(signed);
    expect(members.map((m) => m.name)).toEqual(['case.mtcase', 'custody-journal.jsonl', 'report.pdf', 'manifest.json', 'manifest.sig']);
    const manifest = JSON.parse(members[3]!.data.toString('utf8')) as Json;
    expect(manifest).toMatchObject({
      format: 'mailtrail-package',
      formatVersion: 1,
      tool: 'mailtrail 0.1.0',
      createdBy: 'A. Examiner',
      case: { name: 'Contoso BEC', number: 'BEC-7', examiner: 'A. Examiner', timeZone: 'Europe/Berlin' },
      events: 121,
    });
    for (const m of manifest['members'] as { name: string; bytes: number; sha256: string }[]) {
      const data = members.find((x) => x.name === m.name)!.data;
      expect(m.bytes).toBe(data.length);
      expect(m.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    }
    // The copy is the encrypted file itself, not a plaintext dump.
    expect(members[0]!.data.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    expect(members[2]!.data.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('seals the journal up to package.create and records the output hash in package.seal afterwards', async () => {
    const members = await readMembers(signed);
    const manifest = JSON.parse(members[3]!.data.toString('utf8')) as { journal: { head: string; entries: number; headSeq: number } };
    const lines = members[1]!.data
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; action: string; hash: string });
    expect(lines.at(-1)).toMatchObject({ action: 'package.create', hash: manifest.journal.head, seq: manifest.journal.headSeq });
    expect(lines).toHaveLength(manifest.journal.entries);

    const s = openCase({ file: caseFile, passphrase: PW, readOnly: true });
    try {
      const entries = s.journal.list(0, 1000);
      const seals = entries.filter((e) => e.action === 'package.seal');
      const mine = seals.find((e) => e.details['out'] === signed)!;
      expect(mine.details).toMatchObject({ sha256: sha(signed), journal_head: manifest.journal.head, bytes: readFileSync(signed).length });
      // The seal follows its create entry directly: nothing else happened in between.
      expect(entries[mine.seq - 2]).toMatchObject({ action: 'package.create', hash: manifest.journal.head });
    } finally {
      s.close();
    }
  });

  it('refuses to overwrite an existing package without --force', () => {
    const r = mailtrail(['package', caseFile, '--out', signed], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/already exists \(use --force/);
  });
});

describe('mailtrail verify FILE.mtpkg', () => {
  it('verifies members, signature and journal without the passphrase', () => {
    const r = mailtrail(['verify', signed, '--pubkey', pub, '--json'], noPw);
    expect(r.status).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ ok: true, problems: [], case: null, signature: { present: true, valid: true, trusted: true } });
    expect((out['members'] as { ok: boolean }[]).every((m) => m.ok)).toBe(true);
    const human = mailtrail(['verify', signed], noPw);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^ok\n/);
    expect(human.stdout).toMatch(/not checked against a trusted key: use --pubkey/);
  });

  it('with the passphrase also verifies the enclosed case, its head and the report', () => {
    const r = mailtrail(['verify', signed, '--pubkey', pub, '--json'], env);
    expect(r.status).toBe(0);
    const out = r.json() as { case: Record<string, unknown>; manifest: { journal: { head: string; entries: number } } };
    expect(out.case).toMatchObject({
      ok: true,
      head: out.manifest.journal.head,
      entries: out.manifest.journal.entries,
      evidenceItems: 2,
      report: 'identical to the report regenerated from the case',
    });
  });

  it('exits 4 on a wrong passphrase for the enclosed case', () => {
    expect(mailtrail(['verify', signed], { MAILTRAIL_PASSPHRASE: 'wrong' }).status).toBe(4);
  });

  const tampers: [string, (f: string) => Promise<void>, RegExp][] = [
    [
      'a flipped byte in the case copy',
      (f) => flipMemberByte(f, 'case.mtcase'),
      /member case\.mtcase: SHA-256 .* does not match the manifest/,
    ],
    ['a flipped byte in the journal', (f) => flipMemberByte(f, 'custody-journal.jsonl'), /member custody-journal\.jsonl/],
    ['a flipped byte in the report', (f) => flipMemberByte(f, 'report.pdf'), /member report\.pdf/],
    ['a flipped byte in the manifest', (f) => flipMemberByte(f, 'manifest.json'), /manifest\.(json|sig)/],
    ['a flipped byte in the signature', (f) => flipMemberByte(f, 'manifest.sig'), /manifest\.sig/],
    [
      'a removed member',
      async (f) =>
        writeMembers(
          f,
          (await readMembers(f)).filter((m) => m.name !== 'report.pdf'),
        ),
      /member report\.pdf is missing/,
    ],
    [
      'an added member',
      async (f) => writeMembers(f, [...(await readMembers(f)), { name: 'extra.txt', data: Buffer.from('hello'), compressed: true }]),
      /unexpected member extra\.txt \(not listed in manifest\.json\)/,
    ],
    [
      'an edited manifest',
      async (f) => {
        const members = await readMembers(f);
        const m = members.find((x) => x.name === 'manifest.json')!;
        m.data = Buffer.from(m.data.toString('utf8').replace('"createdBy": "A. Examiner"', '"createdBy": "Mallory"'));
        await writeMembers(f, members);
      },
      /manifest\.sig: signature does not match manifest\.json/,
    ],
    [
      'a signature swapped for one by another key',
      async (f) => {
        const members = await readMembers(f);
        const other = generateSigningKey();
        const sig = signManifest(members.find((x) => x.name === 'manifest.json')!.data, loadPrivateKey(other.privateKeyPem, 'k'));
        members.find((x) => x.name === 'manifest.sig')!.data = Buffer.from(JSON.stringify(sig));
        await writeMembers(f, members);
      },
      /manifest\.sig: signed by key SHA256:\S+, not by the trusted key SHA256:/,
    ],
  ];
  for (const [what, tamper, message] of tampers) {
    it(`detects ${what}: exit 3, named`, async () => {
      const f = copyOf(signed);
      await tamper(f);
      const r = mailtrail(['verify', f, '--pubkey', pub], noPw);
      expect(r.status).toBe(3);
      expect(r.stdout).toMatch(/^FAILED\n/);
      expect(r.stderr).toMatch(/^mailtrail: verification failed: /);
      expect(r.stderr + r.stdout).toMatch(message);
    });
  }

  it('detects an edited manifest in an unsigned package through the sealed journal', async () => {
    const f = copyOf(unsigned);
    const members = await readMembers(f);
    const m = members.find((x) => x.name === 'manifest.json')!;
    m.data = Buffer.from(m.data.toString('utf8').replace('"name": "Contoso BEC"', '"name": "Fabrikam"'));
    await writeMembers(f, members);
    const r = mailtrail(['verify', f], noPw);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/case name, number or examiner differ from the journal's case\.create entry/);
  });

  it('detects a replaced report whose new hash was written into an unsigned manifest, with the passphrase', async () => {
    const f = copyOf(unsigned);
    const members = await readMembers(f);
    const report = members.find((x) => x.name === 'report.pdf')!;
    const forged = Buffer.from(report.data.toString('latin1').replace('Contoso BEC', 'Contoso BEX'), 'latin1');
    const manifest = members.find((x) => x.name === 'manifest.json')!;
    manifest.data = Buffer.from(
      manifest.data
        .toString('utf8')
        .replace(createHash('sha256').update(report.data).digest('hex'), createHash('sha256').update(forged).digest('hex')),
    );
    report.data = forged;
    await writeMembers(f, members);
    expect(mailtrail(['verify', f], noPw).status).toBe(0); // consistent on its face ...
    const r = mailtrail(['verify', f], env); // ... but not with the case it claims to describe
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/member report\.pdf: differs from the report regenerated from the enclosed case/);
  });

  it('requires a signature when --pubkey is given', () => {
    const r = mailtrail(['verify', unsigned, '--pubkey', pub], noPw);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/manifest\.sig is missing: the package is not signed/);
  });

  it('rejects a file that is not a ZIP', () => {
    const f = join(dir, 'garbage.mtpkg');
    writeFileSync(f, Buffer.alloc(4096, 7));
    const r = mailtrail(['verify', f], noPw);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/not a readable package ZIP/);
  });
});

describe('mailtrail package open', () => {
  it('verifies, unpacks a working case and journals the receipt', () => {
    const into = join(dir, 'received');
    const r = mailtrail(['package', 'open', signed, '--into', into, '--pubkey', pub, '--examiner', 'B. Recipient', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(into).sort()).toEqual(['case.mtcase', 'custody-journal.jsonl', 'manifest.json', 'manifest.sig', 'report.pdf']);
    const manifest = JSON.parse(readFileSync(join(into, 'manifest.json'), 'utf8')) as { journal: { head: string } };
    const s = openCase({ file: join(into, 'case.mtcase'), passphrase: PW, readOnly: true });
    try {
      const entries = s.journal.list(0, 1000);
      const receipt = entries.at(-1)!;
      expect(receipt).toMatchObject({ action: 'package.receive', examiner: 'B. Recipient', prev: manifest.journal.head });
      expect(receipt.details).toMatchObject({
        package_sha256: sha(signed),
        manifest_head: manifest.journal.head,
        signed: true,
        signature_checked_against_trusted_key: true,
      });
    } finally {
      s.close();
    }
    expect(mailtrail(['verify', join(into, 'case.mtcase'), '--read-only'], env).status).toBe(0);
  });

  it('refuses a tampered package and leaves nothing behind', async () => {
    const f = copyOf(signed);
    await flipMemberByte(f, 'case.mtcase');
    const into = join(dir, 'refused');
    const r = mailtrail(['package', 'open', f, '--into', into], env);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/package verification failed: .*member case\.mtcase/);
    expect(existsSync(into)).toBe(false);
  });

  it('refuses a non-empty target directory', () => {
    const r = mailtrail(['package', 'open', signed, '--into', dir], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not empty/);
  });
});

describe('package:export and package:verify channels', () => {
  it('packages the open case and verifies the result, reporting progress', async () => {
    const progress: { phase: string; done: number; total: number | null }[] = [];
    const core = createCore({ emit: (event, payload) => event === 'job:progress' && progress.push(payload as (typeof progress)[number]) });
    try {
      await core.handlers['case:open']({ file: caseFile, passphrase: PW });
      const out = join(dir, 'channel.mtpkg');
      const r = await core.handlers['package:export']({ out, signKeyPem: readFileSync(key, 'utf8'), jobId: 'p1' });
      expect(r).toMatchObject({
        path: out,
        bytes: readFileSync(out).length,
        sha256: sha(out),
        signature: { keyFingerprint: expect.stringMatching(/^SHA256:/) },
      });
      expect(progress.at(-1)).toMatchObject({ phase: 'copying case', done: r.members[0]!.bytes, total: r.members[0]!.bytes });
      const v = await core.handlers['package:verify']({ file: out, publicKeyPem: readFileSync(pub, 'utf8') });
      expect(v).toMatchObject({ ok: true, signature: { trusted: true }, case: null });
    } finally {
      core.dispose();
    }
  });
});
