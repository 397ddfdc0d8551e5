/**
 * The Entra ID (v2.0 endpoint) look-alike: OpenID metadata, JWKS, the token endpoint (client
 * credentials with a secret or a certificate assertion, device code, refresh token) and the device
 * code endpoint, shaped as MSAL Node 7 expects (reference §8.4–§8.5).
 */
import { createHash, createPublicKey, randomBytes, randomUUID, verify, constants as cryptoConstants, X509Certificate } from 'node:crypto';
import type { Reply, RequestContext } from '../server/http';
import type { Tenant } from '../scenario/tenant';
import { parseScopes, type Resource, type TokenService } from './tokens';

/** Application permissions granted to the app registration by default, per resource. */
export const DEFAULT_APP_PERMISSIONS: Readonly<Record<Resource, readonly string[]>> = {
  graph: [
    'AuditLogsQuery.Read.All',
    'AuditLog.Read.All',
    'Directory.Read.All',
    'MailboxSettings.Read',
    'Mail.ReadBasic.All',
    'User.Read.All',
    'Application.Read.All',
    'Policy.Read.All',
  ],
  manage: ['ActivityFeed.Read'],
  outlook: ['Mail.Read'],
};

/** A pending or approved device code. */
interface DeviceCode {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  expiresAt: number;
  polls: number;
  approved: boolean;
  consumed: boolean;
}

/** A refresh token's grant. */
interface RefreshGrant {
  upn: string;
  clientId: string;
  sessionId: string;
}

/** Settings of the identity service. */
export interface IdentityConfig {
  tenant: Tenant;
  /** `https://127.0.0.1:PORT` of the authority listener. */
  origin: () => string;
  /** Origins of the resource listeners (scopes may name them). */
  resourceOrigins: () => Record<Resource, string>;
  clientSecret: string;
  certPem: string;
  certThumbprintSha256: string;
  certThumbprintSha1: string;
  appPermissions: Record<Resource, string[]>;
  autoApproveAfterPolls: number;
  intervalSec: number;
  tokens: TokenService;
}

function b64urlJson(o: object): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

/** Entra's error body: MSAL reads `error`, `error_description`, `error_codes`, `suberror`. */
export function aadError(status: number, error: string, code: number, message: string, correlationId: string = randomUUID()): Reply {
  const traceId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace('Z', 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${'https://login.microsoftonline.com'}/error?code=${code}`,
    },
  };
}

/** The identity service. */
export class IdentityService {
  private readonly codes = new Map<string, DeviceCode>();
  private readonly refresh = new Map<string, RefreshGrant>();

  constructor(private readonly cfg: IdentityConfig) {}

  /** Whether a path tenant segment names this tenant. */
  knowsTenant(segment: string): boolean {
    const s = segment.toLowerCase();
    return s === this.cfg.tenant.tenantId || s === this.cfg.tenant.domain.toLowerCase() || s === 'organizations' || s === 'common';
  }

  /** The OpenID configuration (issuer on the emulator host, MSAL validates it). */
  openidConfiguration(): Reply {
    const o = this.cfg.origin();
    const tid = this.cfg.tenant.tenantId;
    return {
      status: 200,
      body: {
        token_endpoint: `${o}/${tid}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${o}/${tid}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${o}/${tid}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${this.cfg.resourceOrigins().graph}/oidc/userinfo`,
        authorization_endpoint: `${o}/${tid}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${o}/${tid}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${o}/${tid}/oauth2/v2.0/logout`,
        claims_supported: [
          'sub',
          'iss',
          'aud',
          'exp',
          'iat',
          'auth_time',
          'acr',
          'nonce',
          'preferred_username',
          'name',
          'tid',
          'ver',
          'at_hash',
          'c_hash',
          'email',
        ],
        kerberos_endpoint: `${o}/${tid}/kerberos`,
        tenant_region_scope: 'NA',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      },
    };
  }

  /** The `authorityMetadata` string to give MSAL (same content as the discovery document). */
  authorityMetadata(): string {
    return JSON.stringify(this.openidConfiguration().body);
  }

  /** Cloud discovery (`/common/discovery/instance`), in case a client asks. */
  instanceDiscovery(): Reply {
    const host = new URL(this.cfg.origin()).host;
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${this.cfg.origin()}/${this.cfg.tenant.tenantId}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  }

  /** The device code endpoint. */
  deviceCode(ctx: RequestContext): Reply {
    const form = new URLSearchParams(ctx.body);
    const clientId = form.get('client_id') ?? '';
    if (clientId !== this.cfg.tenant.app.clientId) {
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${this.cfg.tenant.domain}'.`,
      );
    }
    const scope = form.get('scope') ?? '';
    const parsed = parseScopes(scope, this.cfg.resourceOrigins());
    if ('error' in parsed) return aadError(400, 'invalid_scope', 70011, parsed.error);
    const userCode = randomBytes(6)
      .toString('base64')
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, 'X')
      .slice(0, 9)
      .padEnd(9, 'Q');
    const deviceCode = `DAQABIQEAAAD${randomBytes(48).toString('base64url')}`;
    const expiresIn = 900;
    this.codes.set(deviceCode, {
      deviceCode,
      userCode,
      clientId,
      scope,
      expiresAt: Date.now() + expiresIn * 1000,
      polls: 0,
      approved: false,
      consumed: false,
    });
    const uri = `${this.cfg.origin()}/devicelogin`;
    return {
      status: 200,
      body: {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: uri,
        expires_in: expiresIn,
        interval: this.cfg.intervalSec,
        message: `To sign in, use a web browser to open the page ${uri} and enter the code ${userCode} to authenticate.`,
      },
    };
  }

  /** Approves a pending device code (the latest one when no code is given). Returns the code approved. */
  approve(userCode?: string): string | null {
    const pending = [...this.codes.values()].filter((c) => !c.approved && !c.consumed && c.expiresAt > Date.now());
    const hit = userCode ? pending.find((c) => c.userCode.toUpperCase() === userCode.trim().toUpperCase()) : pending[pending.length - 1];
    if (!hit) return null;
    hit.approved = true;
    return hit.userCode;
  }

  /** Pending user codes. */
  pendingCodes(): string[] {
    return [...this.codes.values()].filter((c) => !c.approved && !c.consumed && c.expiresAt > Date.now()).map((c) => c.userCode);
  }

  /** Forgets refresh tokens (a full sign-out). */
  revokeRefreshTokens(): void {
    this.refresh.clear();
  }

  /** The token endpoint. */
  token(ctx: RequestContext, tenantSegment: string): Reply {
    const form = new URLSearchParams(ctx.body);
    const grant = form.get('grant_type') ?? '';
    const correlationId = form.get('client-request-id') ?? String(ctx.headers['client-request-id'] ?? randomUUID());
    const clientId = form.get('client_id') ?? '';
    if (clientId !== this.cfg.tenant.app.clientId) {
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${this.cfg.tenant.domain}'.`,
        correlationId,
      );
    }
    switch (grant) {
      case 'client_credentials':
        return this.clientCredentials(form, tenantSegment, correlationId);
      case 'device_code':
      case 'urn:ietf:params:oauth:grant-type:device_code':
        return this.deviceCodeGrant(form, correlationId);
      case 'refresh_token':
        return this.refreshGrant(form, correlationId);
      default:
        return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`, correlationId);
    }
  }

  private clientCredentials(form: URLSearchParams, tenantSegment: string, correlationId: string): Reply {
    if (tenantSegment === 'common' || tenantSegment === 'organizations') {
      return aadError(
        400,
        'invalid_request',
        900023,
        'Specified tenant identifier is neither a valid DNS name, nor a valid external domain.',
        correlationId,
      );
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    let credential: 'secret' | 'certificate';
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
        return aadError(400, 'invalid_request', 700025, 'Client assertion type is not supported or is missing.', correlationId);
      }
      const problem = this.checkAssertion(assertion, tenantSegment);
      if (problem) return aadError(401, 'invalid_client', problem.code, problem.message, correlationId);
      credential = 'certificate';
    } else if (secret !== null) {
      if (secret !== this.cfg.clientSecret) {
        return aadError(
          401,
          'invalid_client',
          7000215,
          "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" +
            this.cfg.tenant.app.clientId +
            "'.",
          correlationId,
        );
      }
      credential = 'secret';
    } else {
      return aadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        correlationId,
      );
    }
    const parsed = parseScopes(form.get('scope') ?? '', this.cfg.resourceOrigins());
    if ('error' in parsed) return aadError(400, 'invalid_scope', 70011, parsed.error, correlationId);
    if (!parsed.isDefault || parsed.permissions.length > 0) {
      return aadError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        correlationId,
      );
    }
    const t = this.cfg.tenant;
    const { token } = this.cfg.tokens.issue({
      aud: audienceOf(parsed.resource),
      tid: t.tenantId,
      oid: t.app.servicePrincipalId,
      sub: t.app.servicePrincipalId,
      appid: t.app.clientId,
      azp: t.app.clientId,
      idtyp: 'app',
      roles: [...this.cfg.appPermissions[parsed.resource]],
      appidacr: credential === 'certificate' ? '2' : '1',
    });
    const life = this.cfg.tokens.lifetimeSec;
    return { status: 200, body: { token_type: 'Bearer', expires_in: life, ext_expires_in: life, access_token: token } };
  }

  /** Checks a client assertion JWT; returns the AADSTS problem or null. */
  private checkAssertion(jwt: string, tenantSegment: string): { code: number; message: string } | null {
    const parts = jwt.split('.');
    if (parts.length !== 3) return { code: 700024, message: 'Client assertion is not a valid JWT.' };
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return { code: 700024, message: 'Client assertion is not a valid JWT.' };
    }
    const alg = header.alg;
    const expectThumb =
      alg === 'PS256'
        ? Buffer.from(this.cfg.certThumbprintSha256, 'hex').toString('base64url')
        : Buffer.from(this.cfg.certThumbprintSha1, 'hex').toString('base64url');
    const given = alg === 'PS256' ? header['x5t#S256'] : header.x5t;
    if (alg !== 'PS256' && alg !== 'RS256')
      return { code: 5002738, message: `Invalid JWT token. '${String(alg)}' is not a supported signature algorithm.` };
    if (typeof given !== 'string' || given !== expectThumb) {
      return {
        code: 700027,
        message: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(given)}']`,
      };
    }
    const key = createPublicKey(new X509Certificate(this.cfg.certPem).publicKey.export({ type: 'spki', format: 'pem' }));
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const sig = Buffer.from(parts[2]!, 'base64url');
    const ok =
      alg === 'PS256'
        ? verify(
            'sha256',
            data,
            { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: cryptoConstants.RSA_PSS_SALTLEN_AUTO },
            sig,
          )
        : verify('sha256', data, key, sig);
    if (!ok) return { code: 700027, message: 'Client assertion failed signature validation.' };
    const now = Math.floor(Date.now() / 1000);
    const exp = Number(claims.exp);
    const nbf = Number(claims.nbf ?? 0);
    if (!Number.isFinite(exp) || exp < now - 300 || nbf > now + 300)
      return { code: 700024, message: 'Client assertion is not within its valid time range.' };
    const clientId = this.cfg.tenant.app.clientId;
    if (claims.iss !== clientId || claims.sub !== clientId)
      return { code: 700023, message: 'Client assertion contains an invalid issuer or subject.' };
    const o = this.cfg.origin();
    const audOk = [this.cfg.tenant.tenantId, this.cfg.tenant.domain, tenantSegment].some(
      (seg) => claims.aud === `${o}/${seg}/oauth2/v2.0/token`,
    );
    if (!audOk)
      return {
        code: 700021,
        message: `Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCredentials . Provided value: '${String(claims.aud)}'.`,
      };
    return null;
  }

  private deviceCodeGrant(form: URLSearchParams, correlationId: string): Reply {
    const code = this.codes.get(form.get('device_code') ?? '');
    if (!code || code.consumed)
      return aadError(400, 'invalid_grant', 70000, "The provided value for the input parameter 'device_code' is not valid.", correlationId);
    if (code.expiresAt <= Date.now())
      return aadError(
        400,
        'expired_token',
        70020,
        "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
        correlationId,
      );
    code.polls++;
    if (!code.approved && this.cfg.autoApproveAfterPolls > 0 && code.polls > this.cfg.autoApproveAfterPolls) code.approved = true;
    if (!code.approved) {
      return aadError(
        400,
        'authorization_pending',
        70016,
        'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
        correlationId,
      );
    }
    code.consumed = true;
    return this.userTokens(this.cfg.tenant.admin.upn, form.get('scope') ?? code.scope, randomUUID(), correlationId);
  }

  private refreshGrant(form: URLSearchParams, correlationId: string): Reply {
    const rt = form.get('refresh_token') ?? '';
    const g = this.refresh.get(rt);
    if (!g)
      return aadError(
        400,
        'invalid_grant',
        50173,
        'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
        correlationId,
      );
    // Like Entra, a refresh token stays valid after use (clients may redeem it concurrently for
    // several resources); only revocation ends it.
    return this.userTokens(g.upn, form.get('scope') ?? '', g.sessionId, correlationId);
  }

  private userTokens(upn: string, scope: string, sessionId: string, correlationId: string): Reply {
    const parsed = parseScopes(scope, this.cfg.resourceOrigins());
    if ('error' in parsed) return aadError(400, 'invalid_scope', 70011, parsed.error, correlationId);
    const t = this.cfg.tenant;
    const who = t.admin.upn.toLowerCase() === upn.toLowerCase() ? t.admin : (t.byUpn.get(upn.toLowerCase()) ?? t.admin);
    const granted = parsed.isDefault ? [...this.cfg.appPermissions[parsed.resource]] : parsed.permissions;
    const { token, claims } = this.cfg.tokens.issue({
      aud: audienceOf(parsed.resource),
      tid: t.tenantId,
      oid: who.objectId,
      sub: who.objectId,
      appid: t.app.clientId,
      azp: t.app.clientId,
      idtyp: 'user',
      scp: granted.join(' '),
      upn: who.upn,
      preferred_username: who.upn,
      name: who.displayName,
      sid: sessionId,
    });
    const refreshToken = `1.AQ${randomBytes(64).toString('base64url')}`;
    this.refresh.set(refreshToken, { upn: who.upn, clientId: t.app.clientId, sessionId });
    const now = Math.floor(Date.now() / 1000);
    const idToken = this.cfg.tokens.signJwt({
      aud: t.app.clientId,
      iss: `${this.cfg.origin()}/${t.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: who.displayName,
      oid: who.objectId,
      preferred_username: who.upn,
      rh: '0.AQ',
      sid: sessionId,
      sub: createHash('sha256').update(`${who.objectId}:${t.app.clientId}`).digest('base64url').slice(0, 43),
      tid: t.tenantId,
      uti: claims.uti,
      ver: '2.0',
    });
    const life = this.cfg.tokens.lifetimeSec;
    const resourceScopes = granted.map((p) => `${audienceOf(parsed.resource)}/${p}`);
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        scope: [...resourceScopes, ...parsed.oidc.filter((s) => s !== 'offline_access'), 'openid', 'profile']
          .filter((v, i, a) => a.indexOf(v) === i)
          .join(' '),
        expires_in: life,
        ext_expires_in: life,
        access_token: token,
        refresh_token: refreshToken,
        id_token: idToken,
        client_info: b64urlJson({ uid: who.objectId, utid: t.tenantId }),
      },
    };
  }
}

function audienceOf(r: Resource): string {
  return r === 'graph' ? 'https://graph.microsoft.com' : r === 'manage' ? 'https://manage.office.com' : 'https://outlook.office.com';
}
