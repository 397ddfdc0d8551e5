// Identity flows of the emulator driven by the real @azure/msal-node 7 (reference §8.4–§8.5):
// client secret, certificate (PS256 + x5t#S256 and RS256 + x5t), device code; tokens checked on
// every call; and every request of MSAL stays on 127.0.0.1.
import { generateKeyPairSync } from 'node:crypto';
import { ConfidentialClientApplication, PublicClientApplication, type AuthenticationResult } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appToken,
  call,
  createTrustingNetworkClient,
  emulatorFetch,
  startEmulator,
  type RecordedRequest,
  type RunningEmulator,
} from '../../src/emulator';

let emu: RunningEmulator;
const log: RecordedRequest[] = [];

beforeAll(async () => {
  emu = await startEmulator({ users: 4, days: 4, deviceCodeIntervalSec: 0.05, deviceCodeAutoApproveAfterPolls: 2 });
});
afterAll(async () => {
  await emu?.stop();
});

function confidential(auth: Record<string, unknown>, withMetadata = true): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: emu.clientId,
      authority: emu.hosts.authority,
      knownAuthorities: emu.knownAuthorities,
      ...(withMetadata ? { authorityMetadata: emu.authorityMetadata } : {}),
      ...auth,
    },
    system: { networkClient: createTrustingNetworkClient(emu.caPem, log) },
  });
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('MSAL against the emulator', () => {
  it('client credentials with the secret (metadata discovered from the emulator, issuer validated)', async () => {
    const app = confidential({ clientSecret: emu.clientSecret }, false);
    const r = (await app.acquireTokenByClientCredential({ scopes: [`${emu.origins.graph}/.default`] })) as AuthenticationResult;
    expect(r.accessToken).toMatch(/^ey/);
    const c = claims(r.accessToken);
    expect(c.aud).toBe('https://graph.microsoft.com');
    expect(c.tid).toBe(emu.tenantId);
    expect(c.roles).toContain('AuditLogsQuery.Read.All');
    expect(c.appidacr).toBe('1');
    expect(log.some((l) => l.url.endsWith('/v2.0/.well-known/openid-configuration') && l.status === 200)).toBe(true);
    const res = await call(emu, `${emu.hosts.graph}/v1.0/auditLogs/signIns?$top=1`, r.accessToken);
    expect(res.status).toBe(200);
  });

  it('client credentials with a certificate: PS256 + x5t#S256 (thumbprintSha256)', async () => {
    const app = confidential({ clientCertificate: { thumbprintSha256: emu.certThumbprintSha256, privateKey: emu.keyPem } });
    const r = (await app.acquireTokenByClientCredential({ scopes: ['https://manage.office.com/.default'] })) as AuthenticationResult;
    const c = claims(r.accessToken);
    expect(c.aud).toBe('https://manage.office.com');
    expect(c.roles).toEqual(['ActivityFeed.Read']);
    expect(c.appidacr).toBe('2');
    const res = await call(emu, `${emu.hosts.manage}/api/v1.0/${emu.tenantId}/activity/feed/subscriptions/list`, r.accessToken);
    expect(res.status).toBe(200);
  });

  it('client credentials with a certificate: RS256 + x5t (legacy SHA-1 thumbprint)', async () => {
    const app = confidential({ clientCertificate: { thumbprint: emu.certThumbprint, privateKey: emu.keyPem } });
    const r = (await app.acquireTokenByClientCredential({ scopes: ['https://outlook.office.com/.default'] })) as AuthenticationResult;
    expect(claims(r.accessToken).aud).toBe('https://outlook.office.com');
  });

  it('rejects an assertion signed by an unregistered key and a wrong secret', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const bad = confidential({ clientCertificate: { thumbprintSha256: emu.certThumbprintSha256, privateKey: other } });
    await expect(bad.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })).rejects.toMatchObject({
      errorCode: 'invalid_client',
    });
    const wrongThumb = confidential({ clientCertificate: { thumbprintSha256: 'ab'.repeat(32), privateKey: emu.keyPem } });
    await expect(wrongThumb.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })).rejects.toThrow(
      /AADSTS700027/,
    );
    const wrongSecret = confidential({ clientSecret: 'nope' });
    await expect(wrongSecret.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })).rejects.toThrow(
      /AADSTS7000215/,
    );
  });

  it('device code: pending until approved automatically after N polls, with client_info and a refresh token', async () => {
    const pca = new PublicClientApplication({
      auth: {
        clientId: emu.clientId,
        authority: emu.hosts.authority,
        knownAuthorities: emu.knownAuthorities,
        authorityMetadata: emu.authorityMetadata,
      },
      system: { networkClient: createTrustingNetworkClient(emu.caPem, log) },
    });
    const before = log.length;
    let message = '';
    const r = (await pca.acquireTokenByDeviceCode({
      scopes: ['https://graph.microsoft.com/AuditLog.Read.All'],
      deviceCodeCallback: (d) => {
        message = d.message;
      },
    })) as AuthenticationResult;
    expect(message).toMatch(/devicelogin/);
    expect(r.account?.username).toMatch(/^it\.admin@/);
    expect(r.account?.homeAccountId).toBe(`${r.account?.localAccountId}.${emu.tenantId}`);
    expect(claims(r.accessToken).scp).toBe('AuditLog.Read.All');
    const polls = log.slice(before).filter((l) => l.url.includes('/oauth2/v2.0/token'));
    expect(polls.map((p) => p.status)).toEqual([400, 400, 200]);
    // The refresh token is honoured by acquireTokenSilent once the access token is gone.
    const silent = await pca.acquireTokenSilent({
      account: r.account!,
      scopes: ['https://graph.microsoft.com/AuditLog.Read.All'],
      forceRefresh: true,
    });
    expect(silent.accessToken).not.toBe(r.accessToken);
  });

  it('a refresh token stays valid after use and serves several resources (as Entra does)', async () => {
    const post = (body: Record<string, string>) =>
      emulatorFetch(emu.caPem, `${emu.hosts.authority}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    const code = await emulatorFetch(emu.caPem, `${emu.hosts.authority}/oauth2/v2.0/devicecode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: emu.clientId, scope: 'https://graph.microsoft.com/.default offline_access' }).toString(),
    });
    const deviceCode = code.json<{ device_code: string }>().device_code;
    expect(emu.approveDeviceCode()).toBeTruthy();
    const first = await post({ grant_type: 'device_code', client_id: emu.clientId, device_code: deviceCode });
    const rt = first.json<{ refresh_token: string }>().refresh_token;
    const [a, b] = await Promise.all([
      post({ grant_type: 'refresh_token', client_id: emu.clientId, refresh_token: rt, scope: 'https://graph.microsoft.com/.default' }),
      post({ grant_type: 'refresh_token', client_id: emu.clientId, refresh_token: rt, scope: 'https://outlook.office.com/.default' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(claims(b.json<{ access_token: string }>().access_token).aud).toBe('https://outlook.office.com');
    emu.revokeTokens({ refresh: true });
    const after = await post({
      grant_type: 'refresh_token',
      client_id: emu.clientId,
      refresh_token: rt,
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(after.json<{ error: string }>().error).toBe('invalid_grant');
  });

  it('device code approved by approveDeviceCode() or the admin endpoint when auto-approval is off', async () => {
    const manual = await startEmulator({ users: 2, days: 3, deviceCodeIntervalSec: 0.05, deviceCodeAutoApproveAfterPolls: 0 });
    try {
      const pca = new PublicClientApplication({
        auth: {
          clientId: manual.clientId,
          authority: manual.hosts.authority,
          knownAuthorities: manual.knownAuthorities,
          authorityMetadata: manual.authorityMetadata,
        },
        system: { networkClient: createTrustingNetworkClient(manual.caPem) },
      });
      const first = pca.acquireTokenByDeviceCode({
        scopes: ['https://graph.microsoft.com/.default'],
        deviceCodeCallback: (d) => {
          setTimeout(() => expect(manual.approveDeviceCode(d.userCode)).toBe(d.userCode), 200);
        },
      });
      expect((await first)?.accessToken).toBeTruthy();
      const second = pca.acquireTokenByDeviceCode({
        scopes: ['https://graph.microsoft.com/.default'],
        deviceCodeCallback: (d) => {
          setTimeout(() => {
            void emulatorFetch(manual.caPem, `${manual.origins.authority}/_emulator/devicecode/approve`, {
              method: 'POST',
              body: JSON.stringify({ userCode: d.userCode }),
            });
          }, 200);
        },
      });
      expect((await second)?.accessToken).toBeTruthy();
    } finally {
      await manual.stop();
    }
  });

  it('never contacted a host other than 127.0.0.1', () => {
    expect(log.length).toBeGreaterThan(5);
    for (const l of log) {
      expect(new URL(l.url).hostname).toBe('127.0.0.1');
      expect(l.error).toBeUndefined();
    }
  });
});

describe('tokens are checked on every call', () => {
  it('answers 401 with a JSON body for a missing, forged, wrong-audience or revoked token', async () => {
    const url = `${emu.hosts.graph}/v1.0/auditLogs/signIns?$top=1`;
    const none = await emulatorFetch(emu.caPem, url);
    expect(none.status).toBe(401);
    expect(none.json<{ error: { code: string } }>().error.code).toBe('InvalidAuthenticationToken');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const good = await appToken(emu, 'graph');
    const forged = `${good.slice(0, good.lastIndexOf('.'))}.${Buffer.from('x').toString('base64url')}`;
    expect((await call(emu, url, forged)).status).toBe(401);
    const manage = await appToken(emu, 'manage');
    expect((await call(emu, url, manage)).status).toBe(401);
    expect((await call(emu, url, good)).status).toBe(200);
    emu.revokeTokens();
    const revoked = await call(emu, url, good);
    expect(revoked.status).toBe(401);
    expect(revoked.text).toMatch(/revoked/);
    expect((await call(emu, url, await appToken(emu, 'graph'))).status).toBe(200);
  });

  it('tokens expire', async () => {
    // Long enough that the first call is inside it even on a loaded CI machine (a 1 s lifetime
    // failed there: the first call came after it), short enough to wait out.
    const lifetimeMs = 4000;
    const short = await startEmulator({ users: 2, days: 3, tokenLifetimeSec: lifetimeMs / 1000 });
    try {
      const issued = Date.now();
      const t = await appToken(short, 'graph');
      const url = `${short.hosts.graph}/v1.0/auditLogs/directoryAudits?$top=1`;
      expect((await call(short, url, t)).status).toBe(200);
      await new Promise((r) => setTimeout(r, Math.max(0, issued + lifetimeMs + 1200 - Date.now())));
      const res = await call(short, url, t);
      expect(res.status).toBe(401);
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(/expired/);
    } finally {
      await short.stop();
    }
  });

  it('enforces permissions per endpoint (403) and app-only scopes must be /.default', async () => {
    const limited = await startEmulator({ users: 2, days: 3, appPermissions: ['graph:AuditLog.Read.All'] });
    try {
      const t = await appToken(limited, 'graph');
      expect((await call(limited, `${limited.hosts.graph}/v1.0/auditLogs/signIns`, t)).status).toBe(200);
      const denied = await call(limited, `${limited.hosts.graph}/v1.0/oauth2PermissionGrants`, t);
      expect(denied.status).toBe(403);
      expect(denied.json<{ error: { code: string } }>().error.code).toBe('Authorization_RequestDenied');
      const res = await emulatorFetch(limited.caPem, `${limited.hosts.authority}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: limited.clientId,
          client_secret: limited.clientSecret,
          scope: 'https://graph.microsoft.com/AuditLog.Read.All',
        }).toString(),
      });
      expect(res.status).toBe(400);
      expect(res.json<{ error: string; error_codes: number[] }>()).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    } finally {
      await limited.stop();
    }
  });

  it('answers JSON on every identity error (unknown tenant, unknown client, unknown route)', async () => {
    const urls = [
      `${emu.origins.authority}/no-such-tenant/oauth2/v2.0/token`,
      `${emu.hosts.authority}/oauth2/v2.0/token`,
      `${emu.origins.authority}/nothing/here/at/all`,
    ];
    for (const url of urls) {
      const res = await emulatorFetch(emu.caPem, url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=x',
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(typeof res.json<{ error: string }>().error).toBe('string');
    }
  });
});
