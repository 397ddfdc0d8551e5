/**
 * Entra sign-ins → {@link NormalizedEvent}: Graph `signIn` (v1.0 and beta), the Entra portal
 * download (CSV rows are mapped to the Graph names first), Azure Monitor `properties` and
 * Log Analytics `SigninLogs` rows. Reference §5 and §7.3.
 */
import type { SigninAttrs } from '../../shared/model/attrs';
import type { NormalizedEvent } from '../../shared/model/event';
import { makeEvent, RecordError, timeFallback, type NormalizeContext } from './event';
import { canonicalIp } from './ip';
import { parseMachineTimeUs } from './time';
import { arr, bool, clip, first, int, isObj, lower, obj, objOrHashtable, str, trimKeys, type Obj } from './values';

const EVENT_TYPES: Record<string, string> = {
  signinlogs: 'interactiveUser',
  noninteractiveusersigninlogs: 'nonInteractiveUser',
  aadnoninteractiveusersigninlogs: 'nonInteractiveUser',
  serviceprincipalsigninlogs: 'servicePrincipal',
  aadserviceprincipalsigninlogs: 'servicePrincipal',
  microsoftserviceprincipalsigninlogs: 'servicePrincipal',
  managedidentitysigninlogs: 'managedIdentity',
  aadmanagedidentitysigninlogs: 'managedIdentity',
};

/** The `signInEventType` implied by an Azure Monitor category or Log Analytics table name. */
export function signInEventTypeOf(category: string | null): string | null {
  return category === null ? null : (EVENT_TYPES[category.toLowerCase()] ?? null);
}

/**
 * The location a sign-in reports (nested objects may be `@{…}` text, as ConvertTo-Json writes them
 * below its default depth of 2: `"status": "@{errorCode=50126; …}"` too, read the same way).
 */
function location(v: unknown): SigninAttrs['location'] {
  const l = objOrHashtable(v);
  if (!l) return null;
  return { city: str(l['city']), state: str(l['state']), countryOrRegion: str(l['countryOrRegion']) };
}

/** Risk words that say nothing: `hidden` is what tenants without Entra ID P2 are given. */
const NO_RISK = new Set(['none', 'hidden', 'unknownfuturevalue']);

/** `v` when it names a risk level, state or detail, else null. */
function riskWord(v: unknown): string | null {
  const s = str(v);
  return s === null || NO_RISK.has(s.toLowerCase()) ? null : s;
}

/** Identity Protection's verdict on a sign-in or a user, as a summary shows it. */
export interface RiskNote {
  /** `low`, `medium`, `high`. */
  level: string | null;
  /** `atRisk: unfamiliarFeatures; aiConfirmedSigninSafe`: state, then detection types and the detail that set the state. */
  why: string | null;
}

/**
 * The risk a record reports, or null when it reports none: levels `none`/`hidden` and state `none`
 * are left out so that every sign-in of a tenant without P2 does not read as rated.
 */
export function riskNote(level: unknown, state: unknown, detail: unknown, types: readonly string[] = []): RiskNote | null {
  const lv = riskWord(level);
  const st = riskWord(state);
  const named = types.filter((t) => riskWord(t) !== null);
  const reasons = [named.length > 0 ? clip(named.join(', '), 80) : null, riskWord(detail)].filter(Boolean).join('; ');
  if (lv === null && st === null && named.length === 0) return null;
  const why = st !== null ? `${st}${reasons ? `: ${reasons}` : ''}` : reasons || null;
  return { level: lv, why };
}

/** `risk medium (atRisk: unfamiliarFeatures)`, for a sign-in summary. */
function signinRiskText(s: Obj, types: readonly string[]): string | null {
  // The sign-in's own risk first; the user's aggregated risk when the sign-in was not rated.
  const level = riskWord(s['riskLevelDuringSignIn']) ?? riskWord(s['riskLevelAggregated']);
  const note = riskNote(level, s['riskState'], s['riskDetail'], types);
  if (note === null) return null;
  return ['risk', note.level, note.why !== null ? `(${note.why})` : null].filter(Boolean).join(' ');
}

/**
 * Normalizes one sign-in object (Graph shape; Azure Monitor `properties`). `hint` carries what the
 * envelope knows (category → sign-in type, envelope time when the object has none).
 */
export function normalizeSignin(
  input: Obj,
  ctx: NormalizeContext,
  hint: { eventType?: string | null; tsUs?: number | null; tsFrom?: string } = {},
): NormalizedEvent {
  const s = trimKeys(input);
  const ownUs = parseMachineTimeUs(s['createdDateTime']);
  const tsUs = ownUs ?? hint.tsUs ?? null;
  if (tsUs === null) throw new RecordError('sign-in has no valid createdDateTime');
  const id = str(s['id']);
  const status = objOrHashtable(s['status']) ?? {};
  const errorCode = int(status['errorCode'] ?? s['errorCode'] ?? s['resultType']);
  const failureReason = str(status['failureReason'] ?? s['resultDescription']);
  const device = objOrHashtable(s['deviceDetail']) ?? {};
  const types = arr(s['signInEventTypes'])
    .map((x) => str(x))
    .filter((x): x is string => x !== null);
  const eventType =
    types[0] ??
    hint.eventType ??
    (bool(s['isInteractive']) === false ? 'nonInteractiveUser' : bool(s['isInteractive']) === true ? 'interactiveUser' : null);
  const actor = lower(s['userPrincipalName']) ?? lower(s['servicePrincipalName']) ?? lower(s['userId']);
  const ip = canonicalIp(first(s['ipAddress']));
  const appName = str(s['appDisplayName']);
  const resourceName = str(s['resourceDisplayName']);
  const loc = location(s['location']);
  // Log Analytics names the column RiskEventTypes_V2 (camel-cased from its row: riskEventTypes_V2).
  const riskTypes = [...arr(s['riskEventTypes_v2'] ?? s['riskEventTypes_V2']), ...arr(s['riskEventTypes'])]
    .map((x) => str(x))
    .filter((x): x is string => x !== null);
  const signin: SigninAttrs = {
    errorCode,
    failureReason: errorCode === 0 ? null : failureReason,
    clientAppUsed: str(s['clientAppUsed']),
    authenticationProtocol: str(s['authenticationProtocol']),
    authenticationRequirement: str(s['authenticationRequirement']),
    signInEventType: eventType,
    isInteractive: bool(s['isInteractive']) ?? (eventType === null ? null : eventType === 'interactiveUser'),
    conditionalAccessStatus: str(s['conditionalAccessStatus']),
    riskLevel: str(s['riskLevelDuringSignIn'] ?? s['riskLevelAggregated']),
    riskEventTypes: [...new Set(riskTypes)],
    location: loc,
    resourceId: str(s['resourceId']),
    resourceName,
    appName,
  };
  const fields: Obj = {};
  for (const k of [
    'correlationId',
    'originalTransferMethod',
    'incomingTokenType',
    'clientCredentialType',
    'crossTenantAccessType',
    'userType',
    'homeTenantId',
    'resourceTenantId',
    'autonomousSystemNumber',
    'riskState',
    'riskDetail',
    'tokenIssuerType',
    'servicePrincipalId',
    'userId',
    'userDisplayName',
  ]) {
    const v = s[k];
    if (v !== undefined && v !== null && v !== '') fields[k] = v;
  }
  const authDetails = arr(s['authenticationDetails']);
  if (authDetails.length > 0) fields['authenticationDetails'] = authDetails;
  const ca = arr(s['appliedConditionalAccessPolicies']).filter(isObj);
  if (ca.length > 0) fields['appliedConditionalAccessPolicies'] = ca.map((p) => ({ displayName: p['displayName'], result: p['result'] }));
  if (Object.keys(device).length > 0) fields['deviceDetail'] = device;
  const result = errorCode === null ? (lower(status['result']) ?? null) : errorCode === 0 ? 'success' : 'failure';
  const target = appName && resourceName && appName !== resourceName ? `${appName} (${resourceName})` : (appName ?? resourceName);
  const where = [ip, loc?.countryOrRegion].filter(Boolean).join(', ');
  const outcome =
    result === 'failure'
      ? `failure${errorCode !== null ? ` ${errorCode}` : ''}${failureReason ? ` ${clip(failureReason, 80)}` : ''}`
      : (result ?? 'unknown result');
  const kind = eventType && eventType !== 'interactiveUser' ? ` (${eventType})` : '';
  const risk = signinRiskText(s, signin.riskEventTypes);
  const summary = `Sign-in${kind}${actor ? ` by ${actor}` : ''}${target ? ` to ${target}` : ''}${where ? ` from ${where}` : ''}: ${outcome}${risk ? `, ${risk}` : ''}`;
  return makeEvent(
    {
      tsUs,
      source: 'signin',
      operation: 'Sign-in activity',
      category: 'logon',
      summary,
      recordKey: id ? `signin:${id.toLowerCase()}` : null,
      attrs: {
        signin,
        fields,
        ...(ownUs === null
          ? { timeFallback: timeFallback('createdDateTime', s['createdDateTime'], hint.tsFrom ?? 'the record around it') }
          : {}),
      },
    },
    ctx,
    {
      recordType: eventType,
      actor,
      clientIp: ip,
      userAgent: str(s['userAgent']),
      clientApp: str(s['clientAppUsed']),
      appId: str(s['appId']),
      sessionId: str(s['sessionId']),
      tokenId: str(s['uniqueTokenIdentifier']),
      deviceId: str(device['deviceId']),
      result,
      object: target,
    },
  );
}

/** Recovers a Graph-shaped sign-in from a Log Analytics `SigninLogs` row (PascalCase, JSON-in-string columns). */
export function fromSigninLogsRow(row: Obj): Obj {
  const camel = (k: string): string => k.charAt(0).toLowerCase() + k.slice(1);
  const out: Obj = {};
  for (const [k, v] of Object.entries(row)) out[camel(k)] = v;
  out['createdDateTime'] = row['CreatedDateTime'] ?? row['TimeGenerated'];
  out['id'] = row['Id'] ?? row['OriginalRequestId'];
  out['ipAddress'] = row['IPAddress'];
  out['status'] = obj(row['Status']) ?? { errorCode: row['ResultType'], failureReason: row['ResultDescription'] };
  out['deviceDetail'] = obj(row['DeviceDetail']) ?? {};
  out['location'] = obj(row['LocationDetails']) ?? null;
  out['appliedConditionalAccessPolicies'] = arr(row['ConditionalAccessPolicies']);
  out['authenticationDetails'] = arr(row['AuthenticationDetails']);
  return out;
}
