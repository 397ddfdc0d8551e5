/**
 * Verifies a sealed evidence package. Without the passphrase: every member against the manifest
 * (SHA-256 and size), no member missing or added, the signature, and the JSONL journal's hash
 * chain against the manifest's head. With the passphrase it also opens the enclosed case (a copy
 * extracted read-only) and runs the whole-case verification: journal chain and every evidence hash
 * inside, and checks that the case ends at the manifest's head.
 */
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { MailtrailError } from '../../shared/errors';
import { openCase } from '../case/case-file';
import { verifyCase } from '../custody/verify';
import { renderReport } from '../report/render-report';
import { MAILTRAIL_VERSION } from '../../shared/version';
import { HashStream } from './hash-stream';
import { checkJournalJsonl, type JsonlJournalCheck } from './journal-jsonl';
import { MEMBER, parseManifest, type Manifest, type ManifestMember } from './manifest';
import { checkManifestSignature, loadPublicKey, type ManifestSignature } from './signing';
import { openZipReader, type ZipMember, type ZipReader } from './zip-read';

/** Options for {@link verifyPackage}. */
export interface VerifyPackageOptions {
  /** PEM of the Ed25519 public key the manifest must be signed with. */
  publicKeyPem?: string | undefined;
  /** Case passphrase: also verify the enclosed case. */
  passphrase?: string | undefined;
  /**
   * Extract the members into this existing directory (used by `package open`); otherwise the case
   * is extracted to a temporary directory, only when a passphrase is given, and removed afterwards.
   */
  extractDir?: string | undefined;
  /** Called as member bytes are read. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** The check of one manifest member. */
export interface MemberCheck {
  name: string;
  role: ManifestMember['role'];
  expected: { bytes: number; sha256: string };
  actual: { bytes: number; sha256: string } | null;
  ok: boolean;
}

/** The outcome of {@link verifyPackage}. */
export interface PackageVerifyResult {
  ok: boolean;
  file: string;
  manifest: Manifest | null;
  members: MemberCheck[];
  signature: {
    present: boolean;
    valid: boolean;
    keyFingerprint: string | null;
    /** True when checked against a key the verifier supplied (`--pubkey`). */
    trusted: boolean;
  };
  /** The JSONL journal's chain as recomputed from the package. */
  journal: { ok: boolean; entries: number; head: string } | null;
  /** The enclosed case, when a passphrase was given. */
  case: {
    ok: boolean;
    entries: number;
    head: string;
    evidenceItems: number;
    evidenceBytes: number;
    /** Whether the report member equals the report regenerated from the enclosed case. */
    report: string;
  } | null;
  /** Every problem, each naming the member or field at fault. */
  problems: string[];
}

const signatureSchema = z.object({
  algorithm: z.literal('Ed25519'),
  publicKey: z.string(),
  keyFingerprint: z.string(),
  signature: z.string(),
});

const MAX_SMALL_MEMBER = 1024 * 1024;

async function readSmall(zip: ZipReader, member: ZipMember): Promise<Buffer> {
  if (member.uncompressedSize > MAX_SMALL_MEMBER) throw new Error(`${member.name} is larger than ${MAX_SMALL_MEMBER} bytes`);
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.open(member)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A writable that discards (for members only hashed). */
function sink(): Writable {
  return new Writable({ highWaterMark: 4 * 1024 * 1024, write: (_chunk, _enc, cb) => cb() });
}

/** Verifies `file` as a Mailtrail package. Never throws for a bad package: problems are listed. */
export async function verifyPackage(file: string, options: VerifyPackageOptions = {}): Promise<PackageVerifyResult> {
  const path = resolve(file);
  const trustedKey = options.publicKeyPem ? loadPublicKey(options.publicKeyPem, 'public key') : null;
  const result: PackageVerifyResult = {
    ok: false,
    file: path,
    manifest: null,
    members: [],
    signature: { present: false, valid: false, keyFingerprint: null, trusted: false },
    journal: null,
    case: null,
    problems: [],
  };
  const problems = result.problems;

  let zip: ZipReader;
  try {
    zip = await openZipReader(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new MailtrailError('NOT_FOUND', `package not found: ${path}`);
    problems.push(`not a readable package ZIP: ${(err as Error).message}`);
    return result;
  }
  let tempDir: string | null = null;
  try {
    const byName = new Map<string, ZipMember>();
    for (const m of zip.members) {
      if (byName.has(m.name)) problems.push(`member ${m.name} appears more than once`);
      byName.set(m.name, m);
    }

    const manifestMember = byName.get(MEMBER.manifest);
    if (!manifestMember) {
      problems.push(`${MEMBER.manifest} is missing`);
      return result;
    }
    let manifestBytes: Buffer;
    try {
      manifestBytes = await readSmall(zip, manifestMember);
    } catch (err) {
      problems.push(`${MEMBER.manifest} is unreadable (${(err as Error).message})`);
      return result;
    }
    const parsed = parseManifest(manifestBytes);
    if (!parsed.manifest) {
      problems.push(parsed.error);
      return result;
    }
    const manifest = parsed.manifest;
    result.manifest = manifest;
    if (options.extractDir) writeFileSync(join(options.extractDir, MEMBER.manifest), manifestBytes, { mode: 0o600 });

    // Signature.
    const sigMember = byName.get(MEMBER.signature);
    if (sigMember) {
      result.signature.present = true;
      try {
        const sigBytes = await readSmall(zip, sigMember);
        if (options.extractDir) writeFileSync(join(options.extractDir, MEMBER.signature), sigBytes, { mode: 0o600 });
        const sig = signatureSchema.parse(JSON.parse(sigBytes.toString('utf8'))) as ManifestSignature;
        const check = checkManifestSignature(manifestBytes, sig, trustedKey);
        result.signature.valid = check.valid;
        result.signature.keyFingerprint = check.trustedFingerprint ?? check.embeddedFingerprint;
        result.signature.trusted = check.valid && trustedKey !== null;
        if (!check.valid) problems.push(`${MEMBER.signature}: ${check.reason}`);
      } catch (err) {
        problems.push(`${MEMBER.signature} is unreadable (${(err as Error).message})`);
      }
    } else if (trustedKey) {
      problems.push(`${MEMBER.signature} is missing: the package is not signed, but a public key was given`);
    }

    // Members against the manifest.
    const expectedNames = new Set<string>([MEMBER.manifest, MEMBER.signature]);
    const roles = new Set<string>();
    for (const m of manifest.members) {
      if (roles.has(m.role)) problems.push(`${MEMBER.manifest}: more than one ${m.role} member`);
      roles.add(m.role);
      expectedNames.add(m.name);
    }
    for (const role of ['case', 'journal', 'report'] as const) {
      if (!roles.has(role)) problems.push(`${MEMBER.manifest}: no ${role} member listed`);
    }
    for (const m of zip.members) {
      if (!expectedNames.has(m.name)) problems.push(`unexpected member ${m.name} (not listed in ${MEMBER.manifest})`);
    }

    const total = manifest.members.reduce((s, m) => s + m.bytes, 0);
    let done = 0;
    const extractDir = options.extractDir ?? (options.passphrase ? (tempDir = mkdtempSync(join(tmpdir(), 'mailtrail-verify-'))) : null);
    let journalCheck: JsonlJournalCheck | null = null;
    for (const expected of manifest.members) {
      const check: MemberCheck = {
        name: expected.name,
        role: expected.role,
        expected: { bytes: expected.bytes, sha256: expected.sha256 },
        actual: null,
        ok: false,
      };
      result.members.push(check);
      const member = byName.get(expected.name);
      if (!member) {
        problems.push(`member ${expected.name} is missing`);
        continue;
      }
      if (!/^[A-Za-z0-9._-]+$/.test(expected.name)) {
        problems.push(`member ${expected.name}: not a plain file name`);
        continue;
      }
      const hash = new HashStream((n) => options.onProgress?.(done + n, total));
      try {
        const source: Readable = await zip.open(member);
        const extract = extractDir !== null && (options.extractDir !== undefined || expected.role === 'case');
        const target = extract ? createWriteStream(join(extractDir, expected.name), { mode: 0o600 }) : sink();
        if (expected.role === 'journal') {
          source.on('error', (err) => hash.destroy(err));
          const hashed = source.pipe(hash);
          const [check2] = await Promise.all([checkJournalJsonl(hashed), extract ? pipeline(hashed, target) : Promise.resolve()]);
          journalCheck = check2;
        } else {
          await pipeline(source, hash, target);
        }
      } catch (err) {
        problems.push(`member ${expected.name} is unreadable (${(err as Error).message})`);
        continue;
      }
      done += hash.bytes;
      check.actual = { bytes: hash.bytes, sha256: hash.digest() };
      if (check.actual.bytes !== expected.bytes) {
        problems.push(`member ${expected.name}: ${check.actual.bytes} bytes, the manifest says ${expected.bytes}`);
      } else if (check.actual.sha256 !== expected.sha256) {
        problems.push(`member ${expected.name}: SHA-256 ${check.actual.sha256} does not match the manifest (${expected.sha256})`);
      } else {
        check.ok = true;
      }
    }

    // The journal copy against the manifest: the chain must end at the sealed head.
    if (journalCheck) {
      const j: JsonlJournalCheck = journalCheck;
      result.journal = { ok: j.problem === null, entries: j.entries, head: j.head };
      if (j.problem) problems.push(`member ${MEMBER.journal}: ${j.problem}`);
      else crossCheckJournal(manifest, j, problems);
    }

    if (options.passphrase && extractDir) {
      const caseMember = manifest.members.find((m) => m.role === 'case');
      const caseCheck = result.members.find((m) => m.role === 'case');
      // A case copy that does not match the manifest is not opened: a damaged first page would
      // read as a wrong passphrase and hide the real problem, already listed above.
      if (caseMember && caseCheck?.ok) await verifyEnclosedCase(join(extractDir, caseMember.name), options.passphrase, manifest, result);
    }
    result.ok = problems.length === 0;
    return result;
  } finally {
    await zip.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

function crossCheckJournal(manifest: Manifest, j: JsonlJournalCheck, problems: string[]): void {
  const where = `${MEMBER.manifest} vs ${MEMBER.journal}`;
  if (j.head !== manifest.journal.head)
    problems.push(`${where}: the journal ends at ${j.head}, the manifest's head is ${manifest.journal.head}`);
  if (j.entries !== manifest.journal.entries)
    problems.push(`${where}: ${j.entries} journal entries, the manifest says ${manifest.journal.entries}`);
  const last = j.last;
  if (last) {
    if (last.action !== 'package.create') problems.push(`${where}: the last journal entry is ${last.action}, not package.create`);
    if (last.seq !== manifest.journal.headSeq)
      problems.push(`${where}: head entry is ${last.seq}, the manifest says ${manifest.journal.headSeq}`);
    if (last.at_us !== manifest.createdAtUs) problems.push(`${where}: created-at differs from the package.create entry`);
    if (last.examiner !== manifest.createdBy) problems.push(`${where}: created-by differs from the package.create entry`);
  }
  const created = j.first;
  if (created) {
    const d = created.details;
    if (created.action !== 'case.create' || d['case_id'] !== manifest.case.id) {
      problems.push(`${where}: the case id differs from the journal's case.create entry`);
    } else if (
      d['name'] !== manifest.case.name ||
      (d['number'] ?? null) !== manifest.case.number ||
      d['examiner'] !== manifest.case.examiner
    ) {
      problems.push(`${where}: case name, number or examiner differ from the journal's case.create entry`);
    }
  }
}

async function verifyEnclosedCase(file: string, passphrase: string, manifest: Manifest, result: PackageVerifyResult): Promise<void> {
  const session = openCase({ file, passphrase, readOnly: true });
  try {
    const info = session.info();
    const check = verifyCase(session.db);
    result.case = {
      ok: check.ok,
      entries: check.entries,
      head: check.head,
      evidenceItems: check.evidenceItems,
      evidenceBytes: check.evidenceBytes,
      report: 'not compared',
    };
    for (const p of check.problems) result.problems.push(`${MEMBER.case}: ${p.reason}`);
    if (info.id !== manifest.case.id)
      result.problems.push(`${MEMBER.case}: case id ${info.id} differs from the manifest (${manifest.case.id})`);
    if (check.ok && check.head !== manifest.journal.head) {
      result.problems.push(
        `${MEMBER.case}: the case's journal head ${check.head} differs from the manifest's head ${manifest.journal.head}`,
      );
    }
    if (check.ok && check.entries !== manifest.journal.entries) {
      result.problems.push(`${MEMBER.case}: ${check.entries} journal entries, the manifest says ${manifest.journal.entries}`);
    }
    // The report is a pure function of the case: regenerate it and compare. Another Mailtrail
    // version may lay it out differently, so then the comparison is skipped and said so.
    const report = manifest.members.find((m) => m.role === 'report');
    if (check.ok && report && result.members.find((m) => m.role === 'report')?.ok) {
      if (manifest.tool !== `mailtrail ${MAILTRAIL_VERSION}`) {
        result.case.report = `not compared (made by ${manifest.tool}, this is mailtrail ${MAILTRAIL_VERSION})`;
      } else {
        const again = await renderReport(session, join(dirname(file), 'report-again.pdf'), { timeZone: manifest.report.timeZone });
        rmSync(again.out, { force: true });
        if (again.sha256 === report.sha256) result.case.report = 'identical to the report regenerated from the case';
        else {
          result.case.report = 'DIFFERS from the report regenerated from the case';
          result.problems.push(`member ${report.name}: differs from the report regenerated from the enclosed case (${again.sha256})`);
        }
      }
    }
  } finally {
    session.close();
  }
}
