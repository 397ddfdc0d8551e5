/**
 * Access tokens for the collectors, from @azure/msal-node: device code (delegated), client
 * credentials with a certificate, or with a secret (accepted with a warning). Tokens live in
 * memory only (MSAL's in-memory cache and this module's per-resource slot), are refreshed before
 * they expire, and never reach a log, the journal or the disk.
 *
 * MSAL is pinned to the configured cloud: `knownAuthorities` holds only the configured authority
 * host and `authorityMetadata` / `cloudDiscoveryMetadata` are supplied, so it never performs
 * instance discovery or fetches metadata from anywhere else (reference §8.4); its network client
 * is our transport, which refuses any other host anyway.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  ConfidentialClientApplication,
  LogLevel,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type Configuration,
  type DeviceCodeRequest,
} from '@azure/msal-node';
import { MailtrailError } from '../../shared/errors';
import type { AuthMode, Cloud, CloudHosts } from '../../shared/model/collection';
import { defaultScope } from './clouds';
import { msalNetworkClient } from './msal-network';
import type { Transport } from './transport';

/** The device-code prompt handed to the examiner. */
export interface DeviceCodeInfo {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresInSec: number;
}

/** Credentials. Key and secret are held in memory for the run only. */
export type AuthConfig =
  | { mode: 'certificate'; certPem: string; keyPem: string }
  | { mode: 'secret'; secret: string }
  | { mode: 'device-code'; onDeviceCode: (info: DeviceCodeInfo) => void };

/** A resource the collectors call. */
export type Resource = Exclude<keyof CloudHosts, 'authority'>;

/** Options for {@link createTokenProvider}. */
export interface TokenProviderOptions {
  tenant: string;
  clientId: string;
  hosts: CloudHosts;
  /** The cloud whose resource URIs name the tokens' audiences (default `global`). */
  cloud?: Cloud;
  auth: AuthConfig;
  transport: Transport;
  /** Refresh when less than this fraction of a token's lifetime is left (default 0.2, at most 5 min). */
  refreshFraction?: number;
  signal?: AbortSignal | undefined;
  /** Milliseconds since the epoch (injectable for tests). */
  now?: () => number;
}

/** Hands out access tokens per resource. */
export interface TokenProvider {
  readonly mode: AuthMode;
  /**
   * A valid token for the resource. After a 401, pass the refused token as `rejected`: a new one
   * is requested unless another caller already replaced it.
   */
  token(resource: Resource, options?: { rejected?: string }): Promise<string>;
  /** Token requests sent to the identity service so far. */
  readonly acquisitions: number;
  /** Notes for the examiner (e.g. "a client secret was used"). */
  readonly warnings: readonly string[];
}

const TENANT_PATTERN = /^[A-Za-z0-9.-]{1,253}$/;
const CLIENT_ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The SHA-256 thumbprint (hex, upper case) of a PEM certificate. */
export function certificateThumbprintSha256(certPem: string): string {
  try {
    return new X509Certificate(certPem).fingerprint256.replace(/:/g, '');
  } catch (err) {
    throw new MailtrailError('INVALID_INPUT', `not a PEM certificate: ${(err as Error).message}`);
  }
}

/** The authority metadata MSAL would otherwise fetch (reference §8.4 shapes). */
export function authorityMetadata(authorityOrigin: string, tenant: string): { authorityMetadata: string; cloudDiscoveryMetadata: string } {
  const base = `${authorityOrigin}/${tenant}`;
  const host = new URL(authorityOrigin).host;
  return {
    authorityMetadata: JSON.stringify({
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      issuer: `${base}/v2.0`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    }),
    cloudDiscoveryMetadata: JSON.stringify({
      tenant_discovery_endpoint: `${base}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    }),
  };
}

function authMessage(err: unknown): string {
  const e = err as { errorCode?: string; errorMessage?: string; message?: string };
  const text = e.errorMessage || e.message || String(err);
  // First line only: MSAL messages carry trace and correlation ids, never tokens.
  const first = text.split(/\r?\n/)[0] ?? text;
  return e.errorCode ? `${e.errorCode}: ${first}` : first;
}

/** Creates the provider; nothing is requested until the first {@link TokenProvider.token} call. */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const { tenant, clientId, hosts, auth, transport } = options;
  if (!TENANT_PATTERN.test(tenant)) throw new MailtrailError('INVALID_INPUT', `not a tenant id or domain: ${tenant}`);
  if (!CLIENT_ID_PATTERN.test(clientId)) throw new MailtrailError('INVALID_INPUT', `the client id must be a GUID: ${clientId}`);
  const now = options.now ?? Date.now;
  const fraction = options.refreshFraction ?? 0.2;
  const warnings: string[] = [];
  const meta = authorityMetadata(hosts.authority, tenant);
  const config: Configuration = {
    auth: {
      clientId,
      authority: `${hosts.authority}/${tenant}`,
      knownAuthorities: [new URL(hosts.authority).host],
      authorityMetadata: meta.authorityMetadata,
      cloudDiscoveryMetadata: meta.cloudDiscoveryMetadata,
    },
    system: {
      networkClient: msalNetworkClient(transport, options.signal),
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
    },
  };

  let confidential: ConfidentialClientApplication | null = null;
  let publicApp: PublicClientApplication | null = null;
  if (auth.mode === 'certificate') {
    const thumbprintSha256 = certificateThumbprintSha256(auth.certPem);
    let privateKey: string;
    try {
      privateKey = createPrivateKey(auth.keyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch (err) {
      throw new MailtrailError('INVALID_INPUT', `not a PEM private key: ${(err as Error).message}`);
    }
    confidential = new ConfidentialClientApplication({
      ...config,
      auth: { ...config.auth, clientCertificate: { thumbprintSha256, privateKey, x5c: auth.certPem } },
    });
  } else if (auth.mode === 'secret') {
    if (!auth.secret) throw new MailtrailError('INVALID_INPUT', 'the client secret is empty');
    warnings.push('a client secret was used: prefer a certificate (secrets are easily leaked and cannot prove possession of a key)');
    confidential = new ConfidentialClientApplication({ ...config, auth: { ...config.auth, clientSecret: auth.secret } });
  } else {
    publicApp = new PublicClientApplication(config);
  }

  let account: AccountInfo | null = null;
  let signingIn: Promise<AuthenticationResult | null> | null = null;
  let acquisitions = 0;
  const slots = new Map<Resource, { token: string; expiresAtMs: number; refreshAtMs: number }>();
  const inflight = new Map<Resource, Promise<string>>();

  const deviceCode = async (scopes: string[]): Promise<AuthenticationResult | null> => {
    if (auth.mode !== 'device-code' || !publicApp) return null;
    const request: DeviceCodeRequest = {
      scopes,
      deviceCodeCallback: (r) =>
        auth.onDeviceCode({ userCode: r.userCode, verificationUri: r.verificationUri, message: r.message, expiresInSec: r.expiresIn }),
    };
    const abort = () => {
      request.cancel = true;
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      return await publicApp.acquireTokenByDeviceCode(request);
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  };

  const acquire = async (resource: Resource, force: boolean): Promise<string> => {
    const scopes = [defaultScope(options.cloud ?? 'global', resource)];
    let result: AuthenticationResult | null = null;
    acquisitions++;
    try {
      if (confidential) {
        result = await confidential.acquireTokenByClientCredential({ scopes, skipCache: force });
      } else if (publicApp) {
        // One sign-in for every resource: a resource asked for while the examiner is entering the
        // code waits for that sign-in and then uses its refresh token.
        if (!account && signingIn) await signingIn.catch(() => undefined);
        if (account) {
          try {
            result = await publicApp.acquireTokenSilent({ account, scopes, forceRefresh: force });
          } catch {
            // The refresh token does not cover this resource (or expired): ask the examiner again.
            result = await deviceCode(scopes);
          }
        } else {
          const flow = deviceCode(scopes).then((r) => {
            if (r?.account) account = r.account;
            return r;
          });
          signingIn = flow;
          try {
            result = await flow;
          } finally {
            signingIn = null;
          }
        }
        if (result?.account) account = result.account;
      }
    } catch (err) {
      if (options.signal?.aborted) throw new MailtrailError('CANCELLED', 'collection cancelled');
      if (err instanceof MailtrailError) throw err;
      throw new MailtrailError('AUTH', `could not get a token for ${hosts[resource]}: ${authMessage(err)}`);
    }
    if (!result?.accessToken) throw new MailtrailError('AUTH', `the identity service returned no token for ${hosts[resource]}`);
    const t = now();
    const expiresAtMs = result.expiresOn ? result.expiresOn.getTime() : t + 300_000;
    const lifetime = Math.max(0, expiresAtMs - t);
    const margin = Math.min(300_000, Math.max(1000, lifetime * fraction));
    slots.set(resource, { token: result.accessToken, expiresAtMs, refreshAtMs: expiresAtMs - margin });
    return result.accessToken;
  };

  return {
    mode: auth.mode,
    get acquisitions() {
      return acquisitions;
    },
    warnings,
    token(resource, opts = {}) {
      const slot = slots.get(resource);
      const refused = opts.rejected !== undefined && slot?.token === opts.rejected;
      if (!refused && slot && now() < slot.refreshAtMs) return Promise.resolve(slot.token);
      // One refresh at a time per resource: concurrent callers share it.
      const running = inflight.get(resource);
      if (running) return running;
      const p = acquire(resource, refused || slot !== undefined).finally(() => inflight.delete(resource));
      inflight.set(resource, p);
      return p;
    },
  };
}
