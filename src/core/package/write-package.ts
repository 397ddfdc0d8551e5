/**
 * Writes a sealed evidence package: one ZIP holding the encrypted case file (a consistent copy),
 * the custody journal as JSONL, the PDF report, `manifest.json` and, when signing, `manifest.sig`.
 *
 * Journal and head: `package.create` is appended first, so the sealed copy, its JSONL journal,
 * the report and the manifest all end at that entry (the manifest's head). The package's own
 * SHA-256 can only be known after it is written, so it is recorded by a second entry,
 * `package.seal`, in the sender's case after the head that was sealed.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import yazl from 'yazl';
import { MailtrailError } from '../../shared/errors';
import { isoUs } from '../../shared/time/format';
import { MAILTRAIL_VERSION } from '../../shared/version';
import { assertTimeZone, type CaseSession } from '../case/case-file';
import { refreshBeforeHead } from '../report/freshness';
import { renderReport } from '../report/render-report';
import { HashStream } from './hash-stream';
import { journalJsonlLines } from './journal-jsonl';
import { MEMBER, serializeManifest, type Manifest, type ManifestMember } from './manifest';
import { loadPrivateKey, signManifest, keyFingerprint } from './signing';
import { caseFileStream, withReadSnapshot } from './snapshot';

/** Options for {@link writePackage}. */
export interface WritePackageOptions {
  out: string;
  /** PEM of an Ed25519 private key to sign the manifest with. */
  signKeyPem?: string | undefined;
  /** Passphrase of an encrypted signing key. */
  signKeyPassphrase?: string | undefined;
  /** Display zone of the enclosed report (default: the case's zone). */
  reportTimeZone?: string | undefined;
  /** Replace an existing output file. */
  force?: boolean | undefined;
  /** Called as the case file is copied. */
  onProgress?: ((done: number, total: number, phase: string) => void) | undefined;
}

/** What {@link writePackage} produced. */
export interface WritePackageResult {
  out: string;
  bytes: number;
  sha256: string;
  manifestSha256: string;
  journal: { entries: number; head: string; headSeq: number };
  members: ManifestMember[];
  signature: { keyFingerprint: string } | null;
}

async function writeLines(lines: Iterable<string>, file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = new HashStream();
  await pipeline(Readable.from(lines), hash, createWriteStream(file));
  return { bytes: hash.bytes, sha256: hash.digest() };
}

/** Packages the case of `session` into `options.out` and journals it. */
export async function writePackage(session: CaseSession, options: WritePackageOptions): Promise<WritePackageResult> {
  if (session.readOnly) throw new MailtrailError('UNSUPPORTED', 'cannot package a case opened read-only (packaging is journaled)');
  const out = resolve(options.out);
  if (out === resolve(session.file)) throw new MailtrailError('INVALID_INPUT', 'the package cannot replace the case file');
  if (existsSync(out) && !options.force) throw new MailtrailError('EXISTS', `${out} already exists (use --force to replace it)`);
  if (!existsSync(dirname(out))) throw new MailtrailError('NOT_FOUND', `output directory not found: ${dirname(out)}`);
  const signingKey = options.signKeyPem ? loadPrivateKey(options.signKeyPem, 'signing key', options.signKeyPassphrase) : null;
  const fingerprint = signingKey ? keyFingerprint(createPublicKey(signingKey)) : null;
  const reportTimeZone = options.reportTimeZone ?? session.info().timeZone;
  assertTimeZone(reportTimeZone);

  // Derived indexes are brought up to date before the sealed head (see export-report.ts).
  refreshBeforeHead(session.db);
  session.journal.append('package.create', {
    out,
    tool: `mailtrail ${MAILTRAIL_VERSION}`,
    signed: fingerprint !== null,
    key_fingerprint: fingerprint,
    report_time_zone: reportTimeZone,
  });

  const work = mkdtempSync(join(dirname(out), `.${basename(out)}.tmp-`));
  const partial = join(work, 'package.partial');
  const zip = new yazl.ZipFile();
  try {
    const outHash = new HashStream();
    const written = pipeline(zip.outputStream as unknown as Readable, outHash, createWriteStream(partial));
    // Keep a failing write from surfacing as an unhandled rejection before we await it.
    written.catch(() => {});

    const sealed = await withReadSnapshot(session.db, async () => {
      const info = session.info();
      const head = session.journal.list(info.journal.entries - 1, 1)[0];
      if (!head) throw new MailtrailError('INTERNAL', 'the journal is empty');
      // The sealed head must be our package.create entry: another connection may have written in between.
      if (head.action !== 'package.create' || head.examiner !== session.examiner) {
        throw new MailtrailError(
          'INTERNAL',
          `the case changed while packaging began (journal entry ${head.seq}: ${head.action}); try again`,
        );
      }
      const mtime = new Date(Math.floor(head.atUs / 1000));

      const reportFile = join(work, MEMBER.report);
      const report = await renderReport(session, reportFile, { timeZone: reportTimeZone });
      const journalFile = join(work, MEMBER.journal);
      const journal = await writeLines(journalJsonlLines(session.db), journalFile);

      const { stream, bytes } = caseFileStream(session.file);
      const caseHash = new HashStream((done) => options.onProgress?.(done, bytes, 'copying case'));
      zip.addReadStream(stream.pipe(caseHash), MEMBER.case, { compress: false, size: bytes, mtime });
      // The lock may only be released once every byte of the case file has been read.
      await Promise.race([
        once(caseHash, 'end'),
        written.then(() => Promise.reject(new MailtrailError('INTERNAL', 'the package ended before the case file was copied'))),
      ]);
      if (caseHash.bytes !== bytes) throw new MailtrailError('INTERNAL', 'the case file changed size while it was copied');
      return { info, head, mtime, report, journal, caseMember: { bytes, sha256: caseHash.digest() }, journalFile, reportFile };
    });

    const { info, head, mtime } = sealed;
    zip.addReadStream(createReadStream(sealed.journalFile), MEMBER.journal, { compress: true, size: sealed.journal.bytes, mtime });
    zip.addReadStream(createReadStream(sealed.reportFile), MEMBER.report, { compress: true, size: sealed.report.bytes, mtime });
    const members: ManifestMember[] = [
      { name: MEMBER.case, role: 'case', bytes: sealed.caseMember.bytes, sha256: sealed.caseMember.sha256 },
      { name: MEMBER.journal, role: 'journal', bytes: sealed.journal.bytes, sha256: sealed.journal.sha256 },
      { name: MEMBER.report, role: 'report', bytes: sealed.report.bytes, sha256: sealed.report.sha256 },
    ];
    const manifest: Manifest = {
      format: 'mailtrail-package',
      formatVersion: 1,
      tool: `mailtrail ${MAILTRAIL_VERSION}`,
      createdAt: isoUs(head.atUs),
      createdAtUs: head.atUs,
      createdBy: head.examiner,
      case: {
        id: info.id,
        name: info.name,
        number: info.number,
        examiner: info.examiner,
        timeZone: info.timeZone,
        schemaVersion: info.schemaVersion,
      },
      journal: { entries: info.journal.entries, head: info.journal.head, headSeq: head.seq },
      evidence: info.evidence,
      events: info.events,
      report: { timeZone: reportTimeZone },
      members,
    };
    const manifestBytes = serializeManifest(manifest);
    zip.addBuffer(manifestBytes, MEMBER.manifest, { mtime });
    const signature = signingKey ? signManifest(manifestBytes, signingKey) : null;
    if (signature) zip.addBuffer(Buffer.from(`${JSON.stringify(signature, null, 2)}\n`), MEMBER.signature, { mtime });
    zip.end();
    await written;

    renameSync(partial, out);
    const result: WritePackageResult = {
      out,
      bytes: statSync(out).size,
      sha256: outHash.digest(),
      manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'),
      journal: manifest.journal,
      members,
      signature: signature ? { keyFingerprint: signature.keyFingerprint } : null,
    };
    session.journal.append('package.seal', {
      out,
      sha256: result.sha256,
      bytes: result.bytes,
      manifest_sha256: result.manifestSha256,
      journal_head: manifest.journal.head,
      journal_entries: manifest.journal.entries,
      members: members.map((m) => ({ name: m.name, bytes: m.bytes, sha256: m.sha256 })),
      key_fingerprint: fingerprint,
    });
    return result;
  } catch (err) {
    (zip.outputStream as unknown as Readable).destroy();
    try {
      session.journal.append('package.abort', { out, reason: err instanceof Error ? err.message : String(err) });
    } catch {
      // The original error matters more than a failed note about it.
    }
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
