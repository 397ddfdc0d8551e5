/**
 * `mailtrail package CASE --out FILE.mtpkg [--sign KEY.pem]`: a sealed evidence package;
 * `mailtrail package open FILE.mtpkg --into DIR`: verify it and unpack a working case.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openPackage } from '../../core/package/open-package';
import { writePackage } from '../../core/package/write-package';
import { MailtrailError } from '../../shared/errors';
import { withCase } from '../open-case';
import { readPassphrase } from '../passphrase';
import { withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

/** Reads a key file, naming it in the error. */
export function readKeyFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new MailtrailError('NOT_FOUND', `${what} not found: ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/** Registers `package` and `package open`. */
export function registerPackage(program: Command, io: CliIo, run: Runner): void {
  const cmd = withCommonOptions(
    program
      .command('package')
      .description('seal the case, its custody journal and the PDF report into one verifiable ZIP (journaled); see also: package open')
      .argument('<case>', 'case file')
      .option('--out <file.mtpkg>', 'package to write')
      .option('--sign <key.pem>', 'sign the manifest with this Ed25519 private key (passphrase from MAILTRAIL_KEY_PASSPHRASE)')
      .option('--tz <zone>', 'display time zone of the enclosed report (default: the case zone)')
      .option('--force', 'replace an existing package file')
      .option('--examiner <name>', 'examiner creating the package'),
  );
  cmd.action(
    run(async (file: string, opts: CommonOptions & { out?: string; sign?: string; tz?: string; force?: boolean }) => {
      if (!opts.out) throw new MailtrailError('USAGE', 'missing --out FILE.mtpkg');
      const signKeyPem = opts.sign ? readKeyFile(opts.sign, 'signing key') : undefined;
      return withCase(io, file, opts, async (session) => {
        const showProgress = io.stderr.isTTY === true && !opts.json;
        let last = 0;
        const r = await writePackage(session, {
          out: opts.out!,
          signKeyPem,
          signKeyPassphrase: io.env['MAILTRAIL_KEY_PASSPHRASE'] || undefined,
          reportTimeZone: opts.tz,
          force: opts.force,
          onProgress: showProgress
            ? (done, total, phase) => {
                const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
                if (pct !== last) io.stderr.write(`\r${phase} ${pct}%${pct === 100 ? '\n' : ''}`);
                last = pct;
              }
            : undefined,
        });
        return {
          json: r,
          human: [
            `wrote ${r.out}`,
            `sha256 ${r.sha256} (${r.bytes} bytes)`,
            `journal head ${r.journal.head} (${r.journal.entries} entries)`,
            ...r.members.map((m) => `  ${m.name.padEnd(22)} ${m.sha256} ${m.bytes}`),
            r.signature ? `signed by ${r.signature.keyFingerprint}` : 'not signed',
          ],
        };
      });
    }),
  );

  withCommonOptions(
    cmd
      .command('open')
      .description('verify a package (members, signature, enclosed case) and unpack it into a working case; journals the receipt')
      .argument('<package>', 'package file (*.mtpkg)')
      .requiredOption('--into <dir>', 'new or empty directory to unpack into')
      .option('--pubkey <pub.pem>', 'require the manifest to be signed by this Ed25519 public key')
      .option('--examiner <name>', 'examiner receiving the package'),
  ).action(
    run(async (file: string, opts: CommonOptions & { into: string; pubkey?: string }) => {
      // Options the subcommand shares with `package` (--json, --debug, --examiner) are parsed by
      // the parent wherever they appear; take them from there.
      const parent = cmd.opts<CommonOptions>();
      for (const k of ['json', 'debug', 'examiner'] as const)
        if (opts[k] === undefined && parent[k] !== undefined) Object.assign(opts, { [k]: parent[k] });
      const publicKeyPem = opts.pubkey ? readKeyFile(opts.pubkey, 'public key') : undefined;
      const passphrase = await readPassphrase(io, file);
      const r = await openPackage(file, {
        into: opts.into,
        passphrase,
        examiner: opts.examiner ?? io.env['MAILTRAIL_EXAMINER'],
        publicKeyPem,
      });
      const sig = r.verification.signature;
      return {
        json: { caseFile: r.caseFile, into: r.into, packageSha256: r.packageSha256, verification: r.verification, case: r.info },
        human: [
          `verified ${r.verification.file}`,
          `package sha256 ${r.packageSha256}`,
          `manifest head ${r.verification.manifest?.journal.head ?? '?'}`,
          sig.present
            ? `signed by ${sig.keyFingerprint}${sig.trusted ? ' (trusted key)' : ' (not checked against a trusted key: use --pubkey)'}`
            : 'not signed',
          `working case ${r.caseFile}`,
          `journal ${r.info.journal.entries} entries, head ${r.info.journal.head} (receipt journaled)`,
        ],
      };
    }),
  );
}
