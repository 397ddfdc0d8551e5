/** `mailtrail keygen`: an Ed25519 key pair (PEM) for signing package manifests. */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { generateSigningKey } from '../../core/package/signing';
import { MailtrailError } from '../../shared/errors';
import { withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

/** The public key file beside a private key file: `KEY.pem` → `KEY.pub.pem`. */
export function defaultPublicKeyPath(privatePath: string): string {
  return privatePath.endsWith('.pem') ? `${privatePath.slice(0, -4)}.pub.pem` : `${privatePath}.pub.pem`;
}

/** Registers `keygen`. */
export function registerKeygen(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('keygen')
      .description('create an Ed25519 key pair for signing packages (private key encrypted with MAILTRAIL_KEY_PASSPHRASE if set)')
      .requiredOption('--out <key.pem>', 'private key file to create (mode 600)')
      .option('--pub <pub.pem>', 'public key file to create (default: KEY.pub.pem)')
      .option('--force', 'replace existing files'),
  ).action(
    run(async (opts: CommonOptions & { out: string; pub?: string; force?: boolean }) => {
      const privatePath = resolve(opts.out);
      const publicPath = resolve(opts.pub ?? defaultPublicKeyPath(opts.out));
      if (privatePath === publicPath) throw new MailtrailError('USAGE', 'the private and public key files must differ');
      for (const f of [privatePath, publicPath]) {
        if (existsSync(f) && !opts.force) throw new MailtrailError('EXISTS', `${f} already exists (use --force to replace it)`);
      }
      const passphrase = io.env['MAILTRAIL_KEY_PASSPHRASE'] || undefined;
      const pair = generateSigningKey(passphrase);
      writeFileSync(privatePath, pair.privateKeyPem, { mode: 0o600 });
      writeFileSync(publicPath, pair.publicKeyPem, { mode: 0o644 });
      const json = { privateKey: privatePath, publicKey: publicPath, fingerprint: pair.fingerprint, encrypted: passphrase !== undefined };
      return {
        json,
        human: [
          `private key ${privatePath}${passphrase ? ' (encrypted)' : ' (not encrypted: keep it safe)'}`,
          `public key  ${publicPath}`,
          `fingerprint ${pair.fingerprint}`,
        ],
      };
    }),
  );
}
