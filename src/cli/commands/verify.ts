/**
 * `mailtrail verify FILE`: for a case, recompute the journal chain and every evidence hash; for a
 * package (`*.mtpkg`, or any ZIP), check every member against the manifest, the signature and the
 * enclosed journal without the passphrase, and with `MAILTRAIL_PASSPHRASE` also the enclosed case.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyAndRecord } from '../../core/custody/record-verification';
import { verifyPackage, type PackageVerifyResult } from '../../core/package/verify-package';
import type { VerifyResult } from '../../shared/model/custody';
import { EXIT } from '../exit-codes';
import { withCase } from '../open-case';
import { withCommonOptions, type CliIo, type CommandResult, type CommonOptions, type Runner } from '../runtime';
import { readKeyFile } from './package';

/** Turns a verification result into CLI output (exit 3 naming the first problem on failure). */
export function verifyOutput(file: string, result: VerifyResult): CommandResult {
  if (result.ok) {
    return {
      json: result,
      human: [
        'ok',
        `entries ${result.entries}`,
        `head ${result.head}`,
        `evidence ${result.evidenceItems} items, ${result.evidenceBytes} bytes re-hashed`,
      ],
    };
  }
  return {
    json: result,
    human: [
      'FAILED',
      ...result.problems.map((p) => `  ${p.reason}`),
      `verified entries ${result.entries}`,
      `last good head ${result.head}`,
    ],
    exitCode: EXIT.VERIFY_FAILED,
    error: `verification failed: ${file}: ${result.problems[0]?.reason ?? 'unknown problem'}`,
  };
}

/** True when `file` is a ZIP (a package) rather than an encrypted case. */
export function looksLikePackage(file: string): boolean {
  if (file.toLowerCase().endsWith('.mtpkg')) return true;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  } finally {
    closeSync(fd);
  }
}

/** Turns a package verification into CLI output (exit 3 naming the first problem). */
export function packageVerifyOutput(result: PackageVerifyResult): CommandResult {
  const m = result.manifest;
  const sig = result.signature;
  const lines = [
    ...(m
      ? [
          `case ${m.case.name}${m.case.number ? ` (${m.case.number})` : ''}, id ${m.case.id}`,
          `created ${m.createdAt} by ${m.createdBy} with ${m.tool}`,
          `manifest head ${m.journal.head} (${m.journal.entries} entries)`,
        ]
      : []),
    ...result.members.map(
      (c) => `  ${c.ok ? 'ok    ' : 'FAILED'} ${c.name.padEnd(22)} ${c.actual?.sha256 ?? '-'.repeat(64)} ${c.actual?.bytes ?? '?'}`,
    ),
    sig.present
      ? `signature ${sig.valid ? 'valid' : 'INVALID'}, key ${sig.keyFingerprint}${sig.trusted ? ' (trusted key)' : sig.valid ? ' (not checked against a trusted key: use --pubkey)' : ''}`
      : 'signature none (package not signed)',
    result.journal
      ? `journal copy ${result.journal.ok ? 'chain ok' : 'chain BROKEN'}, ${result.journal.entries} entries, head ${result.journal.head}`
      : 'journal copy not checked',
    result.case
      ? `enclosed case ${result.case.ok ? 'ok' : 'FAILED'}: ${result.case.entries} entries, ${result.case.evidenceItems} evidence items, ${result.case.evidenceBytes} bytes re-hashed; report ${result.case.report}`
      : 'enclosed case not opened (set MAILTRAIL_PASSPHRASE to verify the journal and evidence inside)',
  ];
  if (result.ok) return { json: result, human: ['ok', ...lines] };
  return {
    json: result,
    human: ['FAILED', ...result.problems.map((p) => `  ${p}`), ...lines],
    exitCode: EXIT.VERIFY_FAILED,
    error: `verification failed: ${result.file}: ${result.problems[0] ?? 'unknown problem'}`,
  };
}

/** Registers `verify`. */
export function registerVerify(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('verify')
      .description(
        'verify a case (journal hash chain, every evidence hash) or a package (members, signature, journal; with MAILTRAIL_PASSPHRASE also the case inside); exit 3 on failure',
      )
      .argument('<file>', 'case file or package (*.mtpkg)')
      .option('--read-only', 'case: do not journal the verification')
      .option('--pubkey <pub.pem>', 'package: require the manifest to be signed by this Ed25519 public key')
      .option('--examiner <name>', 'examiner performing the verification'),
  ).action(
    run(async (file: string, opts: CommonOptions & { readOnly?: boolean; pubkey?: string }) => {
      if (looksLikePackage(file)) {
        const publicKeyPem = opts.pubkey ? readKeyFile(opts.pubkey, 'public key') : undefined;
        // A package is verified without a passphrase; only a passphrase already in the environment
        // opens the enclosed case (never a prompt, so unattended checks stay unattended).
        const passphrase = io.env['MAILTRAIL_PASSPHRASE'] || undefined;
        return packageVerifyOutput(await verifyPackage(file, { publicKeyPem, passphrase }));
      }
      return withCase(io, file, { ...opts, readOnly: opts.readOnly ?? false }, (session) => verifyOutput(file, verifyAndRecord(session)));
    }),
  );
}
