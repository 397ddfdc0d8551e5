/**
 * The emulator's test PKI: a CA, a TLS server certificate for 127.0.0.1 signed by it, and a
 * self-signed client certificate registered on the app (certificate-credential auth). Keys come
 * from Node's crypto; node-forge builds and signs the X.509 structures. Nothing calls `openssl`.
 */
import { generateKeyPairSync, createHash, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/** The PEM files and facts a client needs. */
export interface EmulatorPki {
  caPem: string;
  caFile: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** Client certificate (PEM) registered on the app. */
  certPem: string;
  certFile: string;
  /** Its PKCS#8 private key (`-----BEGIN PRIVATE KEY-----`). */
  keyPem: string;
  keyFile: string;
  /** SHA-256 of the client certificate's DER, lower-case hex (MSAL `thumbprintSha256`). */
  certThumbprintSha256: string;
  /** SHA-1 of the client certificate's DER, lower-case hex (legacy `x5t`). */
  certThumbprintSha1: string;
  /** The client certificate's public key (PEM, SPKI) for assertion checks. */
  certPublicKeyPem: string;
}

const FILES = {
  ca: 'emulator-ca.pem',
  caKey: 'emulator-ca-key.pem',
  server: 'emulator-server.pem',
  serverKey: 'emulator-server-key.pem',
  cert: 'client-cert.pem',
  key: 'client-key.pem',
} as const;

function rsaKeys(bits: number): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function serial(): string {
  // Positive, 16 bytes.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

interface CertSpec {
  subjectCn: string;
  publicPem: string;
  issuer: { cn: string; keyPem: string } | 'self';
  selfKeyPem?: string;
  days: number;
  extensions: object[];
}

function buildCert(spec: CertSpec): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicPem);
  cert.serialNumber = serial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 3600_000);
  cert.validity.notAfter = new Date(now + spec.days * 86_400_000);
  const subject = [
    { name: 'commonName', value: spec.subjectCn },
    { name: 'organizationName', value: 'Mailtrail Emulator (test only)' },
  ];
  cert.setSubject(subject);
  const issuerCn = spec.issuer === 'self' ? spec.subjectCn : spec.issuer.cn;
  cert.setIssuer([
    { name: 'commonName', value: issuerCn },
    { name: 'organizationName', value: 'Mailtrail Emulator (test only)' },
  ]);
  cert.setExtensions(spec.extensions);
  const signKeyPem = spec.issuer === 'self' ? spec.selfKeyPem : spec.issuer.keyPem;
  if (!signKeyPem) throw new Error('no signing key');
  cert.sign(forge.pki.privateKeyFromPem(signKeyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

function thumbprints(certPem: string): { sha256: string; sha1: string; publicKeyPem: string } {
  const x = new X509Certificate(certPem);
  return {
    sha256: createHash('sha256').update(x.raw).digest('hex'),
    sha1: createHash('sha1').update(x.raw).digest('hex'),
    publicKeyPem: x.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function generate(dir: string): void {
  const ca = rsaKeys(2048);
  const caPem = buildCert({
    subjectCn: 'Mailtrail Emulator Test CA',
    publicPem: ca.publicPem,
    issuer: 'self',
    selfKeyPem: ca.privatePem,
    days: 365,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  const server = rsaKeys(2048);
  const serverPem = buildCert({
    subjectCn: '127.0.0.1',
    publicPem: server.publicPem,
    issuer: { cn: 'Mailtrail Emulator Test CA', keyPem: ca.privatePem },
    days: 365,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const client = rsaKeys(2048);
  const clientPem = buildCert({
    subjectCn: 'Mailtrail Collector (emulator app credential)',
    publicPem: client.publicPem,
    issuer: 'self',
    selfKeyPem: client.privatePem,
    days: 365,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string, secret = false): void =>
    writeFileSync(join(dir, name), text, { mode: secret ? 0o600 : 0o644 });
  write(FILES.ca, caPem);
  write(FILES.caKey, ca.privatePem, true);
  write(FILES.server, serverPem);
  write(FILES.serverKey, server.privatePem, true);
  write(FILES.cert, clientPem);
  write(FILES.key, client.privatePem, true);
}

function stillValid(pem: string): boolean {
  try {
    const x = new X509Certificate(pem);
    return Date.parse(x.validTo) > Date.now() + 86_400_000;
  } catch {
    return false;
  }
}

/**
 * Loads the PKI from `dir`, creating it when absent or expiring (so a restarted emulator keeps the
 * CA a collector was told to trust).
 */
export function loadOrCreatePki(dir: string): EmulatorPki {
  const path = (k: keyof typeof FILES): string => join(dir, FILES[k]);
  const complete = (Object.keys(FILES) as (keyof typeof FILES)[]).every((k) => existsSync(path(k)));
  if (!complete || !stillValid(readFileSync(path('ca'), 'utf8')) || !stillValid(readFileSync(path('server'), 'utf8'))) generate(dir);
  const certPem = readFileSync(path('cert'), 'utf8');
  const t = thumbprints(certPem);
  return {
    caPem: readFileSync(path('ca'), 'utf8'),
    caFile: path('ca'),
    serverCertPem: readFileSync(path('server'), 'utf8'),
    serverKeyPem: readFileSync(path('serverKey'), 'utf8'),
    certPem,
    certFile: path('cert'),
    keyPem: readFileSync(path('key'), 'utf8'),
    keyFile: path('key'),
    certThumbprintSha256: t.sha256,
    certThumbprintSha1: t.sha1,
    certPublicKeyPem: t.publicKeyPem,
  };
}
