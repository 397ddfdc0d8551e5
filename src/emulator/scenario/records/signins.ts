/**
 * Graph `signIn` objects (reference §5.2). The emulator keeps the beta shape and derives the v1.0
 * view by dropping the beta-only properties.
 */
import { graphTime } from '../../util/time';
import { mix32, hashString } from '../../util/rng';
import { asnOf } from '../constants';
import type { Tenant, User } from '../tenant';

export type SignInRecord = Record<string, unknown>;
export type SignInEventType = 'interactiveUser' | 'nonInteractiveUser' | 'servicePrincipal';

/** Properties the reference marks beta-only (absent from v1.0 answers). */
export const BETA_ONLY = [
  'userAgent',
  'sessionId',
  'uniqueTokenIdentifier',
  'authenticationRequirement',
  'authenticationDetails',
  'authenticationMethodsUsed',
  'authenticationProtocol',
  'incomingTokenType',
  'originalTransferMethod',
  'clientCredentialType',
  'signInEventTypes',
  'homeTenantId',
  'resourceTenantId',
  'crossTenantAccessType',
  'autonomousSystemNumber',
  'ipAddressFromResourceProvider',
  'servicePrincipalId',
  'servicePrincipalName',
  'tokenIssuerType',
  'userType',
  'flaggedForReview',
  'processingTimeInMilliseconds',
  'originalRequestId',
] as const;

/** The v1.0 view of a beta sign-in object. */
export function toV1(r: SignInRecord): SignInRecord {
  const out: SignInRecord = {};
  const drop = new Set<string>(BETA_ONLY);
  for (const [k, v] of Object.entries(r)) if (!drop.has(k)) out[k] = v;
  return out;
}

/** Parameters of a sign-in. */
export interface SignInParams {
  id: string;
  ms: number;
  type: SignInEventType;
  /** The user (absent for service principal sign-ins). */
  user?: User;
  servicePrincipal?: { id: string; name: string };
  app: { appId: string; name: string };
  resource: { appId: string; name: string };
  ip: string;
  location: { city: string; state: string; country: string; lat: number; lon: number };
  userAgent: string;
  browser: string;
  os: string;
  clientAppUsed: string;
  deviceId?: string;
  errorCode?: number;
  failureReason?: string;
  sessionId: string;
  uti: string;
  correlationId: string;
  mfa: boolean;
  risk?: { level: 'none' | 'low' | 'medium' | 'high'; events: string[] };
  protocol?: string;
}

/** Builds the beta-shaped sign-in. */
export function signIn(t: Tenant, p: SignInParams): SignInRecord {
  const noise = mix32(hashString(p.id));
  const ok = (p.errorCode ?? 0) === 0;
  const risk = p.risk ?? { level: 'none', events: [] };
  const user = p.user;
  const ca = [
    {
      id: '013f1d6b-785b-4520-b0f9-31bfaefb8e2b',
      displayName: 'Require multifactor authentication for all users',
      enforcedGrantControls: ['Mfa'],
      enforcedSessionControls: [],
      result: ok && user ? 'success' : 'notApplied',
    },
    {
      id: '738ad89e-6820-4164-84f1-53d295360d42',
      displayName: 'Block legacy authentication',
      enforcedGrantControls: ['Block'],
      enforcedSessionControls: [],
      result: 'notApplied',
    },
  ];
  return {
    id: p.id,
    createdDateTime: graphTime(p.ms, noise),
    userDisplayName: user ? user.displayName : null,
    userPrincipalName: user ? user.upn.toLowerCase() : null,
    userId: user ? user.objectId : '',
    appId: p.app.appId,
    appDisplayName: p.app.name,
    ipAddress: p.ip,
    clientAppUsed: p.clientAppUsed,
    correlationId: p.correlationId,
    conditionalAccessStatus: user ? (ok ? 'success' : 'notApplied') : 'notApplied',
    isInteractive: p.type === 'interactiveUser',
    riskDetail: 'none',
    riskLevelAggregated: risk.level,
    riskLevelDuringSignIn: risk.level,
    riskState: risk.level === 'none' ? 'none' : 'atRisk',
    riskEventTypes: risk.events,
    riskEventTypes_v2: risk.events,
    resourceDisplayName: p.resource.name,
    resourceId: p.resource.appId,
    status: ok
      ? { errorCode: 0, failureReason: 'Other.', additionalDetails: p.mfa ? 'MFA requirement satisfied by claim in the token' : null }
      : {
          errorCode: p.errorCode,
          failureReason: p.failureReason ?? 'Error validating credentials due to invalid username or password.',
          additionalDetails: 'The user didn\u2019t enter the right credentials.',
        },
    deviceDetail: {
      deviceId: p.deviceId ?? '',
      displayName: p.deviceId ? `FF-${p.deviceId.slice(0, 6).toUpperCase()}` : '',
      operatingSystem: p.os,
      browser: p.browser,
      isCompliant: Boolean(p.deviceId),
      isManaged: Boolean(p.deviceId),
      trustType: p.deviceId ? 'Azure AD joined' : null,
    },
    location: {
      city: p.location.city,
      state: p.location.state,
      countryOrRegion: p.location.country,
      geoCoordinates: { altitude: null, latitude: p.location.lat, longitude: p.location.lon },
    },
    appliedConditionalAccessPolicies: user ? ca : [],
    // beta-only below
    userAgent: p.userAgent,
    sessionId: p.sessionId,
    uniqueTokenIdentifier: p.uti,
    authenticationRequirement: p.mfa ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
    authenticationMethodsUsed: p.type === 'servicePrincipal' ? [] : p.mfa ? ['Password', 'Mobile app notification'] : ['Password'],
    authenticationProtocol: p.protocol ?? 'none',
    incomingTokenType: p.type === 'nonInteractiveUser' ? 'primaryRefreshToken' : 'none',
    originalTransferMethod: 'none',
    clientCredentialType: p.type === 'servicePrincipal' ? 'clientSecret' : 'none',
    signInEventTypes: [p.type],
    homeTenantId: t.tenantId,
    resourceTenantId: t.tenantId,
    crossTenantAccessType: 'none',
    autonomousSystemNumber: asnOf(p.ip),
    ipAddressFromResourceProvider: null,
    servicePrincipalId: p.servicePrincipal ? p.servicePrincipal.id : '',
    servicePrincipalName: p.servicePrincipal ? p.servicePrincipal.name : null,
    tokenIssuerType: 'AzureAD',
    userType: user ? 'member' : null,
    flaggedForReview: false,
    processingTimeInMilliseconds: 80 + (noise % 400),
    originalRequestId: p.id,
  };
}
