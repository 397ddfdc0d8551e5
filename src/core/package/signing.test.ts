import { describe, expect, it } from 'vitest';
import { checkManifestSignature, generateSigningKey, loadPrivateKey, loadPublicKey, signManifest } from './signing';

describe('manifest signing (Ed25519)', () => {
  const manifest = Buffer.from('{"format":"mailtrail-package"}\n');

  it('signs and verifies against the trusted key, naming the key by fingerprint', () => {
    const pair = generateSigningKey();
    const sig = signManifest(manifest, loadPrivateKey(pair.privateKeyPem, 'k'));
    expect(sig.keyFingerprint).toBe(pair.fingerprint);
    expect(pair.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const check = checkManifestSignature(manifest, sig, loadPublicKey(pair.publicKeyPem, 'p'));
    expect(check).toMatchObject({ valid: true, reason: null, trustedFingerprint: pair.fingerprint });
  });

  it('fails when one byte of the manifest changes', () => {
    const pair = generateSigningKey();
    const sig = signManifest(manifest, loadPrivateKey(pair.privateKeyPem, 'k'));
    const edited = Buffer.from(manifest);
    edited[3] = edited[3]! ^ 1;
    expect(checkManifestSignature(edited, sig, null)).toMatchObject({ valid: false, reason: 'signature does not match manifest.json' });
  });

  it('fails when re-signed with another key and checked against the trusted one', () => {
    const trusted = generateSigningKey();
    const other = generateSigningKey();
    const sig = signManifest(manifest, loadPrivateKey(other.privateKeyPem, 'k'));
    // Self-consistent with the key it carries ...
    expect(checkManifestSignature(manifest, sig, null).valid).toBe(true);
    // ... but not made by the key the recipient trusts.
    const check = checkManifestSignature(manifest, sig, loadPublicKey(trusted.publicKeyPem, 'p'));
    expect(check.valid).toBe(false);
    expect(check.reason).toBe(`signed by key ${other.fingerprint}, not by the trusted key ${trusted.fingerprint}`);
  });

  it('fails when the embedded public key is swapped but the signature kept', () => {
    const a = generateSigningKey();
    const b = generateSigningKey();
    const sig = signManifest(manifest, loadPrivateKey(a.privateKeyPem, 'k'));
    const swapped = { ...sig, publicKey: signManifest(manifest, loadPrivateKey(b.privateKeyPem, 'k')).publicKey };
    expect(checkManifestSignature(manifest, swapped, null).valid).toBe(false);
  });

  it('encrypts the private key with a passphrase and needs it to load', () => {
    const pair = generateSigningKey('key secret');
    expect(pair.privateKeyPem).toContain('ENCRYPTED PRIVATE KEY');
    expect(() => loadPrivateKey(pair.privateKeyPem, 'signing key')).toThrow(/signing key: the private key is encrypted/);
    expect(() => loadPrivateKey(pair.privateKeyPem, 'signing key', 'wrong')).toThrow(/passphrase is missing or wrong/);
    expect(loadPrivateKey(pair.privateKeyPem, 'signing key', 'key secret').asymmetricKeyType).toBe('ed25519');
  });

  it('refuses keys that are not Ed25519 or not keys at all', () => {
    expect(() => loadPublicKey('not a key', 'public key')).toThrow(/public key: not a PEM public key/);
  });
});
