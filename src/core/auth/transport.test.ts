import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveHosts, toOrigin } from './clouds';
import { createTransport, TransportError, type RequestRecord } from './transport';

/** A self-signed certificate for 127.0.0.1 (its own CA). */
function serverCert(): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const c = forge.pki.createCertificate();
  c.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  c.serialNumber = '02';
  c.validity.notBefore = new Date(Date.now() - 60_000);
  c.validity.notAfter = new Date(Date.now() + 86_400_000);
  const attrs = [{ name: 'commonName', value: '127.0.0.1' }];
  c.setSubject(attrs);
  c.setIssuer(attrs);
  c.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  c.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(c), key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

let server: Server;
let origin: string;
let pem: string;

beforeAll(async () => {
  const { cert, key } = serverCert();
  pem = cert;
  server = createServer({ cert, key }, (req, res) => {
    if (req.url === '/drop') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"value":[');
      setTimeout(() => res.destroy(), 5);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'Request-Id': 'r-1' });
    res.end(JSON.stringify({ path: req.url, auth: req.headers['authorization'] ?? null }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('createTransport', () => {
  it('trusts the given CA, lower-cases headers and reports every request', async () => {
    const seen: RequestRecord[] = [];
    const t = createTransport({ allowedOrigins: [origin], caPem: pem, onRequest: (r) => seen.push(r) });
    const res = await t.request({ method: 'GET', url: `${origin}/a?x=1`, headers: { authorization: 'Bearer secret' } });
    t.close();
    expect(res.status).toBe(200);
    expect(res.headers['request-id']).toBe('r-1');
    expect(JSON.parse(res.body.toString())).toEqual({ path: '/a?x=1', auth: 'Bearer secret' });
    expect(seen).toEqual([expect.objectContaining({ method: 'GET', url: `${origin}/a?x=1`, status: 200, error: null })]);
    expect(JSON.stringify(seen)).not.toContain('secret');
  });

  it('refuses a server whose certificate is not trusted', async () => {
    const t = createTransport({ allowedOrigins: [origin] });
    await expect(t.request({ method: 'GET', url: `${origin}/a` })).rejects.toBeInstanceOf(TransportError);
    t.close();
  });

  it('refuses every origin outside the configured cloud, and plain http, before connecting', async () => {
    const seen: RequestRecord[] = [];
    const t = createTransport({ allowedOrigins: [origin], caPem: pem, onRequest: (r) => seen.push(r) });
    await expect(t.request({ method: 'GET', url: 'https://login.microsoftonline.com/common/discovery/instance' })).rejects.toThrow(
      /refusing to contact https:\/\/login\.microsoftonline\.com/,
    );
    await expect(t.request({ method: 'GET', url: origin.replace('https', 'http') })).rejects.toThrow(/refusing/);
    t.close();
    expect(seen).toEqual([]);
  });

  it('reports a body cut off mid-way as a transport error (never a short response)', async () => {
    const t = createTransport({ allowedOrigins: [origin], caPem: pem });
    await expect(t.request({ method: 'GET', url: `${origin}/drop` })).rejects.toBeInstanceOf(TransportError);
    t.close();
  });
});

describe('clouds', () => {
  it('maps each national cloud to its hosts and applies overrides', () => {
    expect(resolveHosts('global').graph).toBe('https://graph.microsoft.com');
    expect(resolveHosts('usgov')).toMatchObject({ authority: 'https://login.microsoftonline.us', manage: 'https://manage.office365.us' });
    expect(resolveHosts('usgovdod')).toMatchObject({
      graph: 'https://dod-graph.microsoft.us',
      manage: 'https://manage.protection.apps.mil',
    });
    expect(resolveHosts('china')).toMatchObject({
      authority: 'https://login.chinacloudapi.cn',
      graph: 'https://microsoftgraph.chinacloudapi.cn',
    });
    const h = resolveHosts('global', { graph: '127.0.0.1:8444', manage: 'https://127.0.0.1:8445/api' });
    expect(h).toMatchObject({
      graph: 'https://127.0.0.1:8444',
      manage: 'https://127.0.0.1:8445',
      authority: 'https://login.microsoftonline.com',
    });
  });

  it('accepts only https origins without credentials', () => {
    expect(() => toOrigin('http://127.0.0.1:1', '--graph-host')).toThrow(/only https/);
    expect(() => toOrigin('https://u:p@h', '--graph-host')).toThrow(/credentials/);
    expect(() => resolveHosts('mars' as never)).toThrow(/unknown cloud/);
  });
});
