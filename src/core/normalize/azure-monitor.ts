/**
 * Entra logs delivered by Azure Monitor diagnostic settings (Event Hub, storage account, Log
 * Analytics): `{time, category, operationName, properties{…}}`. Sign-in categories go to the
 * sign-in mapping, `AuditLogs` to the directory-audit mapping, other categories (Graph activity,
 * risk events, provisioning, …) to a generic mapping kept under the directory-audit family.
 */
import type { EventCategory, NormalizedEvent } from '../../shared/model/event';
import { normalizeDirectoryAudit } from './directory-audit';
import { makeEvent, RecordError, timeFallback, type NormalizeContext } from './event';
import { canonicalIp } from './ip';
import { normalizeSignin, signInEventTypeOf } from './signin';
import { parseMachineTimeUs, parseUsDateUs } from './time';
import { clip, first, int, lower, nameValues, normalizeResult, obj, str, trimKeys, type Obj } from './values';

function graphActivityCategory(method: string | null, uri: string | null): EventCategory {
  const u = (uri ?? '').toLowerCase().split('?')[0]!;
  const m = (method ?? '').toUpperCase();
  if (u.includes('/messagerules')) return m === 'GET' ? 'other' : 'rule-change';
  if (u.includes('/sendmail')) return 'mail-send';
  // Sending a draft, and forwarding or replying in one call (createReply and createForward only make drafts).
  if ((m === 'POST' || m === '') && u.includes('/messages/') && /\/(send|forward|reply|replyall)$/.test(u)) return 'mail-send';
  if ((u.includes('/messages') || u.includes('/mailfolders')) && m === 'GET') return 'mail-read';
  if (u.includes('/messages') && m === 'DELETE') return 'mail-delete';
  if (u.includes('/oauth2permissiongrants') && m !== 'GET') return 'consent';
  return 'other';
}

/**
 * A directory audit by its properties, whatever the envelope's category says: some pipelines
 * (Panther's `Azure.Audit`) put the audit's own category (`DirectoryManagement`, `Policy`) there
 * instead of `AuditLogs`, and read generically such a record loses its actor.
 */
function isDirectoryAudit(props: Obj): boolean {
  return typeof props['activityDisplayName'] === 'string' && (props['initiatedBy'] !== undefined || props['targetResources'] !== undefined);
}

/** Where the envelope time comes from, for an event that had to take it. */
const ENVELOPE_TIME = 'time (the Azure Monitor envelope: when the record was delivered, often minutes after the event)';

/** Normalizes one Azure Monitor Entra record (keys may be lower-cased or PascalCased by exporters). */
export function normalizeAzureMonitor(input: Obj, ctx: NormalizeContext): NormalizedEvent {
  const r = trimKeys(input);
  const category = str(r['category'] ?? r['Category']);
  const props = obj(r['properties'] ?? r['Properties']) ?? {};
  const timeText = str(r['time'] ?? r['Time']);
  // The envelope `time` is the delivery time (often minutes after the event); only a fallback.
  const envTs = timeText === null ? null : (parseMachineTimeUs(timeText) ?? parseUsDateUs(timeText));
  const eventType = signInEventTypeOf(category);
  if (eventType !== null) {
    const withIp =
      props['ipAddress'] === undefined && r['callerIpAddress'] !== undefined ? { ...props, ipAddress: r['callerIpAddress'] } : props;
    return normalizeSignin(withIp, ctx, { eventType, tsUs: envTs, tsFrom: ENVELOPE_TIME });
  }
  if (category?.toLowerCase() === 'auditlogs' || isDirectoryAudit(props))
    return normalizeDirectoryAudit(props, ctx, {
      tsUs: envTs,
      tsFrom: ENVELOPE_TIME,
      operation: str(r['operationName'] ?? r['OperationName']),
      // The envelope's caller address, for an audit whose initiator carries none (an app's).
      clientIp: str(r['callerIpAddress']),
    });
  const ownUs = parseMachineTimeUs(props['activityDateTime']) ?? parseMachineTimeUs(props['createdDateTime']);
  const tsUs = ownUs ?? envTs;
  // Risk detections keep the user agent and risk reasons in a Key/Value list inside a string.
  const additional = nameValues(props['additionalInfo']);
  if (tsUs === null) throw new RecordError(`Azure Monitor record has no valid time (${JSON.stringify(timeText)})`);
  const operation = str(r['operationName'] ?? r['OperationName']) ?? category ?? 'Azure Monitor record';
  const method = str(props['requestMethod']);
  const uri = str(props['requestUri']);
  const actor = lower(props['userPrincipalName']) ?? lower(props['userId']) ?? lower(props['servicePrincipalId']) ?? lower(r['identity']);
  const ip = canonicalIp(first(props['ipAddress'], r['callerIpAddress']));
  const id = first(props['id'], props['requestId'], r['correlationId']);
  let summary: string;
  let cat: EventCategory = 'other';
  let object: string | null;
  if (method !== null || uri !== null) {
    cat = graphActivityCategory(method, uri);
    object = uri;
    const status = int(props['responseStatusCode']);
    summary = `${method ?? 'Graph request'} ${clip(uri ?? '', 140)}${actor ? ` by ${actor}` : ''}${ip ? ` from ${ip}` : ''}${status !== null ? ` → ${status}` : ''}`;
  } else {
    const risk = str(props['riskEventType']);
    object = risk ?? str(props['activityDisplayName']);
    summary = `${operation}${risk ? ` ${risk}` : ''}${actor ? ` for ${actor}` : ''}${ip ? ` from ${ip}` : ''}${str(props['riskLevel']) ? ` (${str(props['riskLevel'])})` : ''}`;
  }
  const httpStatus = int(props['responseStatusCode']);
  return makeEvent(
    {
      tsUs,
      source: 'directory-audit',
      operation,
      category: cat,
      summary,
      recordKey: id ? `azmon:${(category ?? 'unknown').toLowerCase()}:${id}` : null,
      attrs: {
        fields: { category, ...props, ...(Object.keys(additional).length > 0 ? { additionalInfo: additional } : {}) },
        ...(ownUs === null ? { timeFallback: timeFallback('activityDateTime', props['activityDateTime'], ENVELOPE_TIME) } : {}),
      },
    },
    ctx,
    {
      recordType: category,
      actor,
      clientIp: ip,
      userAgent: str(props['userAgent']) ?? str(additional['userAgent']),
      appId: str(props['appId']),
      sessionId: str(props['sessionId']),
      // Graph activity's signInActivityId is the token's uti (Microsoft joins it to the sign-in's
      // uniqueTokenIdentifier); the legacy Azure AD Graph log pads it with '='.
      tokenId: str(props['uniqueTokenIdentifier']) ?? str(props['signInActivityId'])?.replace(/=+$/, '') ?? null,
      result: httpStatus !== null ? (httpStatus < 400 ? 'success' : 'failure') : normalizeResult(r['resultType'] ?? r['resultSignature']),
      object,
    },
  );
}
