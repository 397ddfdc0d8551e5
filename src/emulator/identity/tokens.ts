/**
 * Access tokens: RS256 JWTs signed with the emulator's key (published in the JWKS), one resource per
 * token, checked on every API call for signature, expiry, audience, revocation and permission.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/** The three resources the emulator protects. */
export type Resource = 'graph' | 'manage' | 'outlook';

/** Resource identifiers accepted in scopes, per resource (every cloud + first-party app ids). */
export const RESOURCE_IDS: Readonly<Record<Resource, readonly string[]>> = {
  graph: [
    'https://graph.microsoft.com',
    'https://graph.microsoft.us',
    'https://dod-graph.microsoft.us',
    'https://microsoftgraph.chinacloudapi.cn',
    '00000003-0000-0000-c000-000000000000',
  ],
  manage: [
    'https://manage.office.com',
    'https://manage.office365.us',
    'https://manage-gcc.office.com',
    'https://manage.protection.apps.mil',
    'https://manage.office.cn',
    'c5393580-f805-4401-95e8-94b7a6ef2fc2',
  ],
  outlook: [
    'https://outlook.office.com',
    'https://outlook.office365.com',
    'https://outlook.office365.us',
    'https://outlook-dod.office365.us',
    'https://partner.outlook.cn',
    '00000002-0000-0ff1-ce00-000000000000',
  ],
};

/** The `aud` claim per resource. */
export const AUDIENCE: Readonly<Record<Resource, string>> = {
  graph: 'https://graph.microsoft.com',
  manage: 'https://manage.office.com',
  outlook: 'https://outlook.office.com',
};

/** Claims of an access token the emulator issued. */
export interface AccessClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  sub: string;
  appid: string;
  azp: string;
  uti: string;
  ver: '2.0';
  idtyp: 'app' | 'user';
  /** How the app authenticated: 0 public client, 1 secret, 2 certificate. */
  appidacr?: '0' | '1' | '2';
  roles?: string[];
  scp?: string;
  upn?: string;
  preferred_username?: string;
  name?: string;
  sid?: string;
  /** Emulator serial number (for revocation). */
  xms_emu_sn: number;
}

/** The result of checking a bearer token. */
export type TokenCheck =
  | { ok: true; claims: AccessClaims; resource: Resource; permissions: Set<string> }
  | { ok: false; reason: 'missing' | 'malformed' | 'signature' | 'expired' | 'revoked' | 'audience'; message: string };

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Issues and checks tokens. */
export class TokenService {
  private readonly key: KeyObject;
  private readonly publicKey: KeyObject;
  readonly kid: string;
  private serial = 0;
  private minSerial = 0;
  private readonly cache = new Map<string, AccessClaims>();

  constructor(
    privateKeyPem: string,
    private readonly issuerOf: () => string,
    readonly lifetimeSec: number,
  ) {
    this.key = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.key);
    const der = this.publicKey.export({ type: 'spki', format: 'der' });
    this.kid = createHash('sha256').update(der).digest('base64url').slice(0, 27);
  }

  /** The `iss` of issued tokens (the emulator's v2.0 issuer). */
  get issuer(): string {
    return this.issuerOf();
  }

  /** The JSON Web Key Set served at `jwks_uri`. */
  jwks(): { keys: object[] } {
    const jwk = this.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e, issuer: this.issuer }] };
  }

  /** Signs a JWT with the emulator key. */
  signJwt(payload: object): string {
    const header = { typ: 'JWT', alg: 'RS256', kid: this.kid, x5t: this.kid };
    const head = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const sig = sign('sha256', Buffer.from(head), this.key);
    return `${head}.${b64url(sig)}`;
  }

  /** Issues an access token. */
  issue(claims: Omit<AccessClaims, 'iat' | 'nbf' | 'exp' | 'iss' | 'uti' | 'ver' | 'xms_emu_sn'>): { token: string; claims: AccessClaims } {
    const now = Math.floor(Date.now() / 1000);
    const full: AccessClaims = {
      ...claims,
      iss: this.issuer,
      iat: now,
      nbf: now - 300 > 0 ? now - 300 : now,
      exp: now + this.lifetimeSec,
      uti: randomBytes(16).toString('base64url').slice(0, 22),
      ver: '2.0',
      xms_emu_sn: ++this.serial,
    };
    return { token: this.signJwt(full), claims: full };
  }

  /** Makes every token issued so far invalid. */
  revokeAll(): void {
    this.minSerial = this.serial + 1;
    this.cache.clear();
  }

  /** Checks an `Authorization` header for `resource`. */
  check(authorization: string | undefined, resource: Resource): TokenCheck {
    if (!authorization || !/^Bearer\s+\S+/i.test(authorization)) {
      return { ok: false, reason: 'missing', message: 'Access token is empty.' };
    }
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    let claims = this.cache.get(token);
    if (!claims) {
      const parts = token.split('.');
      if (parts.length !== 3) return { ok: false, reason: 'malformed', message: 'IDX14100: JWT is not well formed.' };
      const [h, p, s] = parts as [string, string, string];
      let ok: boolean;
      try {
        ok = verify('sha256', Buffer.from(`${h}.${p}`), this.publicKey, Buffer.from(s, 'base64url'));
      } catch {
        ok = false;
      }
      if (!ok) return { ok: false, reason: 'signature', message: 'Access token validation failure. Invalid audience or signature.' };
      try {
        claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as AccessClaims;
      } catch {
        return { ok: false, reason: 'malformed', message: 'IDX14100: JWT is not well formed.' };
      }
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(token, claims);
    }
    const now = Math.floor(Date.now() / 1000);
    if (claims.exp <= now) return { ok: false, reason: 'expired', message: 'Lifetime validation failed, the token is expired.' };
    if (claims.xms_emu_sn < this.minSerial) {
      return { ok: false, reason: 'revoked', message: 'The access token has been revoked (sign-in sessions were revoked).' };
    }
    if (claims.aud !== AUDIENCE[resource]) {
      return { ok: false, reason: 'audience', message: `Invalid audience: the token is for ${claims.aud}, not ${AUDIENCE[resource]}.` };
    }
    const permissions = new Set<string>([...(claims.roles ?? []), ...(claims.scp ? claims.scp.split(' ') : [])]);
    return { ok: true, claims, resource, permissions };
  }
}

/** Parses a scope string into its resource and permission names. */
export function parseScopes(
  scope: string,
  ownHosts: Readonly<Record<Resource, string>>,
): { resource: Resource; permissions: string[]; isDefault: boolean; oidc: string[] } | { error: string } {
  const oidcNames = new Set(['openid', 'profile', 'offline_access', 'email']);
  const oidc: string[] = [];
  let resource: Resource | null = null;
  const permissions: string[] = [];
  let isDefault = false;
  for (const raw of scope.split(/\s+/).filter(Boolean)) {
    if (oidcNames.has(raw)) {
      oidc.push(raw);
      continue;
    }
    const slash = raw.lastIndexOf('/');
    let res: Resource | null = null;
    let perm: string;
    if (slash < 0) {
      res = 'graph';
      perm = raw;
    } else {
      const prefix = raw.slice(0, slash).replace(/\/+$/, '').toLowerCase();
      perm = raw.slice(slash + 1);
      for (const r of ['graph', 'manage', 'outlook'] as const) {
        if (RESOURCE_IDS[r].some((id) => id.toLowerCase() === prefix) || ownHosts[r].toLowerCase() === prefix) res = r;
      }
      if (!res) return { error: `AADSTS500011: The resource principal named ${raw.slice(0, slash)} was not found in the tenant.` };
    }
    if (resource && resource !== res) {
      return {
        error: 'AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource.',
      };
    }
    resource = res;
    if (perm === '.default') isDefault = true;
    else permissions.push(perm);
  }
  return { resource: resource ?? 'graph', permissions, isDefault, oidc };
}
