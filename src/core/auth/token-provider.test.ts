import { createPublicKey, createVerify, generateKeyPairSync, constants } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { resolveHosts } from './clouds';
import { certificateThumbprintSha256, createTokenProvider, type DeviceCodeInfo } from './token-provider';
import { assertAllowed, type HttpRequest, type HttpResponse, type Transport } from './transport';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const hosts = resolveHosts('global', {
  authority: 'https://127.0.0.1:9443',
  graph: 'https://127.0.0.1:9444',
  manage: 'https://127.0.0.1:9445',
});

function b64url(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

/** A self-signed certificate and its PKCS#8 key. */
function selfSigned(): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'mailtrail-test' }]);
  cert.setIssuer([{ name: 'commonName', value: 'mailtrail-test' }]);
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

interface FakeIdentity extends Transport {
  requests: { url: string; form: URLSearchParams }[];
  issued: number;
}

/** A minimal identity service behind a transport (no sockets): token and device-code endpoints. */
function fakeIdentity(options: { expiresIn?: number; pendingPolls?: number; verifyAssertion?: (jwt: string) => void } = {}): FakeIdentity {
  const requests: { url: string; form: URLSearchParams }[] = [];
  let issued = 0;
  let polls = 0;
  const json = (status: number, body: unknown): HttpResponse => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
  });
  const token = (scope: string, user: boolean): HttpResponse => {
    issued++;
    return json(200, {
      token_type: 'Bearer',
      scope,
      expires_in: options.expiresIn ?? 3600,
      ext_expires_in: options.expiresIn ?? 3600,
      access_token: `at-${issued}`,
      ...(user
        ? {
            refresh_token: `rt-${issued}`,
            id_token: `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ aud: CLIENT, iss: `${hosts.authority}/${TENANT}/v2.0`, tid: TENANT, oid: 'u1', sub: 's1', preferred_username: 'examiner@contoso.test', iat: 1, nbf: 1, exp: 4102444800 })}.`,
            client_info: b64url({ uid: 'u1', utid: TENANT }),
          }
        : {}),
    });
  };
  const self: FakeIdentity = {
    requests,
    get issued() {
      return issued;
    },
    allowedOrigins: [hosts.authority],
    close: () => undefined,
    request: async (req: HttpRequest) => {
      const url = assertAllowed(req.url, [hosts.authority]);
      const form = new URLSearchParams(req.body ?? '');
      requests.push({ url: req.url, form });
      if (url.pathname === `/${TENANT}/oauth2/v2.0/devicecode`) {
        return json(200, {
          user_code: 'ABCD-EFGH',
          device_code: 'dc-1',
          verification_uri: `${hosts.authority}/device`,
          expires_in: 600,
          interval: 0.05,
          message: `To sign in, open ${hosts.authority}/device and enter ABCD-EFGH`,
        });
      }
      if (url.pathname !== `/${TENANT}/oauth2/v2.0/token`) return json(404, { error: 'not_found' });
      const grant = form.get('grant_type') ?? '';
      const scope = form.get('scope') ?? '';
      if (grant === 'client_credentials') {
        const assertion = form.get('client_assertion');
        if (assertion) options.verifyAssertion?.(assertion);
        else if (form.get('client_secret') !== 's3cret') return json(401, { error: 'invalid_client' });
        return token(scope, false);
      }
      if (grant === 'device_code' || grant === 'urn:ietf:params:oauth:grant-type:device_code') {
        if (polls++ < (options.pendingPolls ?? 1)) return json(400, { error: 'authorization_pending', error_description: 'pending' });
        return token(scope, true);
      }
      if (grant === 'refresh_token') return token(scope, true);
      return json(400, { error: 'unsupported_grant_type' });
    },
  };
  return self;
}

describe('createTokenProvider', () => {
  it('uses a client secret with a warning, caches the token and asks only the configured authority', async () => {
    const id = fakeIdentity();
    const p = createTokenProvider({ tenant: TENANT, clientId: CLIENT, hosts, auth: { mode: 'secret', secret: 's3cret' }, transport: id });
    expect(p.warnings.join(' ')).toMatch(/client secret/);
    const a = await p.token('graph');
    const b = await p.token('graph');
    expect(a).toBe(b);
    expect(id.issued).toBe(1);
    const m = await p.token('manage');
    expect(m).not.toBe(a);
    expect(id.requests.every((r) => r.url.startsWith(`${hosts.authority}/${TENANT}/`))).toBe(true);
    expect(id.requests.map((r) => r.form.get('scope'))).toEqual([
      expect.stringContaining('https://graph.microsoft.com/.default'),
      expect.stringContaining('https://manage.office.com/.default'),
    ]);
  });

  it('signs a PS256 client assertion with x5t#S256 for a certificate', async () => {
    const { certPem, keyPem } = selfSigned();
    const thumb = certificateThumbprintSha256(certPem);
    let checked = false;
    const id = fakeIdentity({
      verifyAssertion: (jwt) => {
        const [h, c, sig] = jwt.split('.');
        const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, string>;
        const claims = JSON.parse(Buffer.from(c!, 'base64url').toString()) as Record<string, unknown>;
        expect(header['alg']).toBe('PS256');
        expect(Buffer.from(header['x5t#S256']!, 'base64url').toString('hex').toUpperCase()).toBe(thumb);
        expect(claims['iss']).toBe(CLIENT);
        expect(claims['aud']).toBe(`${hosts.authority}/${TENANT}/oauth2/v2.0/token`);
        const v = createVerify('RSA-SHA256');
        v.update(`${h}.${c}`);
        const key = createPublicKey(certPem);
        expect(
          v.verify(
            { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
            Buffer.from(sig!, 'base64url'),
          ),
        ).toBe(true);
        checked = true;
      },
    });
    const p = createTokenProvider({
      tenant: TENANT,
      clientId: CLIENT,
      hosts,
      auth: { mode: 'certificate', certPem, keyPem },
      transport: id,
    });
    expect(p.warnings).toEqual([]);
    expect(await p.token('graph')).toBe('at-1');
    expect(checked).toBe(true);
  });

  it('refreshes before expiry and replaces a refused token exactly once for concurrent callers', async () => {
    let now = Date.now();
    const id = fakeIdentity({ expiresIn: 100 });
    const p = createTokenProvider({
      tenant: TENANT,
      clientId: CLIENT,
      hosts,
      auth: { mode: 'secret', secret: 's3cret' },
      transport: id,
      now: () => now,
    });
    const t1 = await p.token('graph');
    now += 70_000; // 30 s left of 100 s: more than 20 % left, still cached
    expect(await p.token('graph')).toBe(t1);
    now += 15_000; // 15 s left: refreshed
    const t2 = await p.token('graph');
    expect(t2).not.toBe(t1);
    const [a, b] = await Promise.all([p.token('graph', { rejected: t2 }), p.token('graph', { rejected: t2 })]);
    expect(a).toBe(b);
    expect(a).not.toBe(t2);
    // A caller refused with an already-replaced token gets the current one without a new request.
    const before = id.issued;
    expect(await p.token('graph', { rejected: t2 })).toBe(a);
    expect(id.issued).toBe(before);
  });

  it('runs the device-code flow, reports the code, then reaches other resources with the refresh token', async () => {
    const id = fakeIdentity({ pendingPolls: 2 });
    const prompts: DeviceCodeInfo[] = [];
    const p = createTokenProvider({
      tenant: TENANT,
      clientId: CLIENT,
      hosts,
      auth: { mode: 'device-code', onDeviceCode: (i) => prompts.push(i) },
      transport: id,
    });
    const g = await p.token('graph');
    expect(prompts).toEqual([expect.objectContaining({ userCode: 'ABCD-EFGH', verificationUri: `${hosts.authority}/device` })]);
    const m = await p.token('manage');
    expect(m).not.toBe(g);
    expect(prompts).toHaveLength(1);
    const grants = id.requests.map((r) => r.form.get('grant_type'));
    expect(grants.filter((x) => x === 'refresh_token')).toHaveLength(1);
  });

  it('rejects a malformed tenant or client id before any request', () => {
    const id = fakeIdentity();
    expect(() =>
      createTokenProvider({ tenant: 'x y', clientId: CLIENT, hosts, auth: { mode: 'secret', secret: 's' }, transport: id }),
    ).toThrow(/tenant/);
    expect(() =>
      createTokenProvider({ tenant: TENANT, clientId: 'nope', hosts, auth: { mode: 'secret', secret: 's' }, transport: id }),
    ).toThrow(/GUID/);
    expect(id.requests).toHaveLength(0);
  });
});
