/**
 * `package open`: unpacks a verified package into a working case on the receiving machine and
 * journals the receipt in that case (`package.receive`: the package's SHA-256, the manifest's
 * head, the signing key; who and when are the entry's examiner and time).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MailtrailError } from '../../shared/errors';
import type { CaseInfo } from '../../shared/model/case';
import { openCase, type CaseSession } from '../case/case-file';
import type { Clock } from '../clock';
import { MEMBER } from './manifest';
import { verifyPackage, type PackageVerifyResult } from './verify-package';

/** Options for {@link openPackage}. */
export interface OpenPackageOptions {
  /** Directory to unpack into (created; must be empty if it exists). */
  into: string;
  passphrase: string;
  /** Examiner receiving the package (default: the case's examiner). */
  examiner?: string | undefined;
  /** Require the manifest to be signed by this Ed25519 public key (PEM). */
  publicKeyPem?: string | undefined;
  clock?: Clock | undefined;
}

/** What {@link openPackage} produced. */
export interface OpenPackageResult {
  /** The working case file. */
  caseFile: string;
  into: string;
  packageSha256: string;
  verification: PackageVerifyResult;
  info: CaseInfo;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 4 * 1024 * 1024 }), hash);
  return hash.digest('hex');
}

/**
 * Verifies `file` fully (members, signature, enclosed case with the passphrase), unpacks it into
 * `options.into` and journals the receipt. Refuses (VERIFY_FAILED, nothing left behind) when any
 * check fails.
 */
export async function openPackage(file: string, options: OpenPackageOptions): Promise<OpenPackageResult> {
  const path = resolve(file);
  const into = resolve(options.into);
  if (!existsSync(path)) throw new MailtrailError('NOT_FOUND', `package not found: ${path}`);
  const created = !existsSync(into);
  if (created) mkdirSync(into, { recursive: true });
  else if (readdirSync(into).length > 0) throw new MailtrailError('EXISTS', `${into} is not empty (choose a new or empty directory)`);

  let session: CaseSession | null = null;
  try {
    const packageSha256 = await sha256File(path);
    const verification = await verifyPackage(path, {
      passphrase: options.passphrase,
      publicKeyPem: options.publicKeyPem,
      extractDir: into,
    });
    if (!verification.ok || !verification.manifest || !verification.case) {
      throw new MailtrailError(
        'VERIFY_FAILED',
        `package verification failed: ${path}: ${verification.problems[0] ?? 'the enclosed case was not verified'}`,
        {
          problems: verification.problems,
        },
      );
    }
    const manifest = verification.manifest;
    const caseName = manifest.members.find((m) => m.role === 'case')?.name ?? MEMBER.case;
    const caseFile = join(into, caseName);
    session = openCase({ file: caseFile, passphrase: options.passphrase, examiner: options.examiner, clock: options.clock });
    session.journal.append('package.receive', {
      package: path,
      package_sha256: packageSha256,
      manifest_head: manifest.journal.head,
      manifest_entries: manifest.journal.entries,
      created_at_us: manifest.createdAtUs,
      created_by: manifest.createdBy,
      signed: verification.signature.present,
      key_fingerprint: verification.signature.keyFingerprint,
      signature_checked_against_trusted_key: verification.signature.trusted,
      evidence_items: verification.case.evidenceItems,
      evidence_bytes: verification.case.evidenceBytes,
    });
    const info = session.info();
    return { caseFile, into, packageSha256, verification, info };
  } catch (err) {
    session?.close();
    session = null;
    // Leave nothing half-unpacked behind.
    if (created) rmSync(into, { recursive: true, force: true });
    else for (const name of readdirSync(into)) rmSync(join(into, name), { recursive: true, force: true });
    throw err;
  } finally {
    session?.close();
  }
}
