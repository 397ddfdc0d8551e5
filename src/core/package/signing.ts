/**
 * Ed25519 signing of package manifests. Keys are PEM (PKCS#8 private, SPKI public); a key is named
 * by its fingerprint, `SHA256:` + base64 of the SHA-256 of its SPKI DER (the OpenSSH style), so an
 * examiner can read it to a recipient over the phone.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { MailtrailError } from '../../shared/errors';

/** A freshly generated key pair in PEM. */
export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
  fingerprint: string;
}

/** The detached signature stored as `manifest.sig` beside `manifest.json`. */
export interface ManifestSignature {
  algorithm: 'Ed25519';
  /** SPKI DER of the signing key, base64 (informational: trust comes from `--pubkey`). */
  publicKey: string;
  /** `SHA256:<base64>` of the SPKI DER. */
  keyFingerprint: string;
  /** Signature over the exact bytes of `manifest.json`, base64. */
  signature: string;
}

/** `SHA256:<base64 without padding>` of a public key's SPKI DER. */
export function keyFingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Generates an Ed25519 key pair. With a passphrase the private key PEM is encrypted
 * (PKCS#8, AES-256-CBC); without one it is plain and must be protected by file permissions.
 */
export function generateSigningKey(passphrase?: string): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privateKeyPem = passphrase
    ? privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    : privateKey.export({ type: 'pkcs8', format: 'pem' });
  return {
    privateKeyPem: privateKeyPem.toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: keyFingerprint(publicKey),
  };
}

/** Loads an Ed25519 private key from PEM; `what` names it in errors. */
export function loadPrivateKey(pem: string, what: string, passphrase?: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
  } catch (err) {
    const message = (err as Error).message;
    const encrypted = pem.includes('ENCRYPTED');
    if (encrypted || /passphrase|decrypt/i.test(message)) {
      throw new MailtrailError('INVALID_INPUT', `${what}: the private key is encrypted and the key passphrase is missing or wrong`);
    }
    throw new MailtrailError('INVALID_INPUT', `${what}: not a PEM private key (${message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new MailtrailError('INVALID_INPUT', `${what}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

/** Loads an Ed25519 public key from PEM (a private key PEM is accepted and reduced to its public half). */
export function loadPublicKey(pem: string, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new MailtrailError('INVALID_INPUT', `${what}: not a PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new MailtrailError('INVALID_INPUT', `${what}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

/** Signs the exact manifest bytes. */
export function signManifest(manifestBytes: Buffer, privateKey: KeyObject): ManifestSignature {
  const publicKey = createPublicKey(privateKey);
  return {
    algorithm: 'Ed25519',
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    keyFingerprint: keyFingerprint(publicKey),
    signature: sign(null, manifestBytes, privateKey).toString('base64'),
  };
}

/** Outcome of checking a manifest signature. */
export interface SignatureCheck {
  /** True when the signature is valid for the key it was checked against. */
  valid: boolean;
  /** Fingerprint of the key embedded in the signature file. */
  embeddedFingerprint: string;
  /** Fingerprint of the trusted key (`--pubkey`), when one was given. */
  trustedFingerprint: string | null;
  /** Why it failed, when it did. */
  reason: string | null;
}

/**
 * Checks `sig` over `manifestBytes`. With a trusted key the signature must verify under that key
 * (the embedded key is ignored for trust); without one it is checked against the embedded key
 * only, which proves integrity but not who signed.
 */
export function checkManifestSignature(manifestBytes: Buffer, sig: ManifestSignature, trusted: KeyObject | null): SignatureCheck {
  let embedded: KeyObject;
  try {
    embedded = createPublicKey({ key: Buffer.from(sig.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return {
      valid: false,
      embeddedFingerprint: '?',
      trustedFingerprint: trusted ? keyFingerprint(trusted) : null,
      reason: 'embedded public key is unreadable',
    };
  }
  const embeddedFingerprint = keyFingerprint(embedded);
  const trustedFingerprint = trusted ? keyFingerprint(trusted) : null;
  const signature = Buffer.from(sig.signature, 'base64');
  const key = trusted ?? embedded;
  let ok: boolean;
  try {
    ok = sig.algorithm === 'Ed25519' && verify(null, manifestBytes, key, signature);
  } catch {
    ok = false;
  }
  if (ok) return { valid: true, embeddedFingerprint, trustedFingerprint, reason: null };
  let reason: string;
  if (trusted && embeddedFingerprint !== trustedFingerprint) {
    reason = `signed by key ${embeddedFingerprint}, not by the trusted key ${trustedFingerprint}`;
  } else {
    reason = 'signature does not match manifest.json';
  }
  return { valid: false, embeddedFingerprint, trustedFingerprint, reason };
}
