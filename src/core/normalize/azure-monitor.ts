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
import { normalizeSignin, riskNote, signInEventTypeOf } from './signin';
import { parseMachineTimeUs, parseUsDateUs } from './time';
import { clip, first, int, lower, nameValues, normalizeResult, obj, objOrHashtable, str, trimKeys, type Obj } from './values';

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

/** A field of the envelope, whichever casing the exporter gave it (Panther lower-cases some). */
function envelopeField(r: Obj, name: string): unknown {
  return r[name] ?? r[name.charAt(0).toUpperCase() + name.slice(1)] ?? r[name.toLowerCase()];
}

/**
 * The sign-in's properties completed from the envelope: its caller address when they hold no
 * address, and its `resultType` (`0`, or the AADSTS error code) and `resultDescription` when they
 * hold no status, as some pipelines deliver them.
 */
function signinWithEnvelope(props: Obj, r: Obj): Obj {
  const out: Obj = { ...props };
  const caller = envelopeField(r, 'callerIpAddress');
  if (props['ipAddress'] === undefined && caller !== undefined) out['ipAddress'] = caller;
  const status = objOrHashtable(props['status']);
  const code = int(envelopeField(r, 'resultType'));
  if (int(status?.['errorCode']) === null && int(props['errorCode']) === null && int(props['resultType']) === null && code !== null)
    out['status'] = {
      ...status,
      errorCode: code,
      failureReason: status?.['failureReason'] ?? envelopeField(r, 'resultDescription') ?? null,
    };
  return out;
}

/**
 * The record's own time and the field it is read from: a Graph activity's `timeGenerated` (when the
 * request was received), else an audit's or risk detection's `activityDateTime`.
 */
function ownTime(props: Obj, isRequest: boolean): { us: number | null; field: string; value: unknown } {
  if (isRequest) {
    const value = props['timeGenerated'] ?? props['TimeGenerated'];
    return { us: parseMachineTimeUs(value), field: 'timeGenerated', value };
  }
  const value = props['activityDateTime'];
  return { us: parseMachineTimeUs(value) ?? parseMachineTimeUs(props['createdDateTime']), field: 'activityDateTime', value };
}

/** True for an Identity Protection record (risk detection, risky user or service principal). */
function isRisk(props: Obj): boolean {
  return ['riskEventType', 'riskState', 'riskLevel', 'riskDetail'].some((k) => str(props[k]) !== null);
}

/** `User Risk Detection unfamiliarFeatures for u@x from 1.2.3.4 (low, dismissed: aiConfirmedSigninSafe)`. */
function riskSummary(operation: string, props: Obj, actor: string | null, ip: string | null): string {
  const type = str(props['riskEventType']);
  const note = riskNote(props['riskLevel'], props['riskState'], props['riskDetail']);
  const verdict = note ? [note.level, note.why].filter(Boolean).join(', ') : '';
  return `${operation}${type ? ` ${type}` : ''}${actor ? ` for ${actor}` : ''}${ip ? ` from ${ip}` : ''}${verdict ? ` (${verdict})` : ''}`;
}

/**
 * The envelope's result for a record without one of its own. Its `resultSignature` `None` (risk
 * detections, audits) says nothing, and a risk record has no outcome to report: both stay null.
 */
function envelopeResult(r: Obj, props: Obj): string | null {
  if (isRisk(props)) return null;
  const result = normalizeResult(first(envelopeField(r, 'resultType'), envelopeField(r, 'resultSignature')));
  return result === 'none' ? null : result;
}

/** Where the envelope time comes from, for an event that had to take it. */
const ENVELOPE_TIME = 'time (the Azure Monitor envelope: when the record was delivered, often minutes after the event)';

/** Normalizes one Azure Monitor Entra record (keys may be lower-cased or PascalCased by exporters). */
export function normalizeAzureMonitor(input: Obj, ctx: NormalizeContext): NormalizedEvent {
  const r = trimKeys(input);
  const category = str(envelopeField(r, 'category'));
  const props = obj(envelopeField(r, 'properties')) ?? {};
  const timeText = str(envelopeField(r, 'time'));
  // The envelope `time` is the delivery time (often minutes after the event); only a fallback.
  const envTs = timeText === null ? null : (parseMachineTimeUs(timeText) ?? parseUsDateUs(timeText));
  const eventType = signInEventTypeOf(category);
  if (eventType !== null) return normalizeSignin(signinWithEnvelope(props, r), ctx, { eventType, tsUs: envTs, tsFrom: ENVELOPE_TIME });
  if (category?.toLowerCase() === 'auditlogs' || isDirectoryAudit(props))
    return normalizeDirectoryAudit(props, ctx, {
      tsUs: envTs,
      tsFrom: ENVELOPE_TIME,
      operation: str(envelopeField(r, 'operationName')),
      // The envelope's caller address, for an audit whose initiator carries none (an app's).
      clientIp: str(envelopeField(r, 'callerIpAddress')),
      actor: first(envelopeField(r, 'identity'), props['identity']),
      category: category?.toLowerCase() === 'auditlogs' ? null : category,
    });
  const method = str(props['requestMethod']);
  const uri = str(props['requestUri']);
  const own = ownTime(props, method !== null || uri !== null);
  const tsUs = own.us ?? envTs;
  // Risk detections keep the user agent and risk reasons in a Key/Value list inside a string.
  const additional = nameValues(props['additionalInfo']);
  if (tsUs === null) throw new RecordError(`Azure Monitor record has no valid time (${JSON.stringify(timeText)})`);
  const operation = str(envelopeField(r, 'operationName')) ?? category ?? 'Azure Monitor record';
  const actor = lower(props['userPrincipalName']) ?? lower(props['userId']) ?? lower(props['servicePrincipalId']) ?? lower(r['identity']);
  const ip = canonicalIp(first(props['ipAddress'], envelopeField(r, 'callerIpAddress')));
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
    object = str(props['riskEventType']) ?? str(props['activityDisplayName']);
    summary = riskSummary(operation, props, actor, ip);
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
        ...(own.us === null ? { timeFallback: timeFallback(own.field, own.value, ENVELOPE_TIME) } : {}),
      },
    },
    ctx,
    {
      recordType: category,
      actor,
      clientIp: ip,
      userAgent: str(props['userAgent']) ?? str(additional['userAgent']),
      appId: str(props['appId']),
      // Graph activity names the token's sid and device claims C_Sid and C_DeviceId (Log Analytics: SessionId, DeviceId).
      sessionId: first(props['C_Sid'], props['sessionId'], props['SessionId']),
      deviceId: first(props['C_DeviceId'], props['deviceId'], props['DeviceId']),
      // Graph activity's signInActivityId is the token's uti (Microsoft joins it to the sign-in's
      // uniqueTokenIdentifier); the legacy Azure AD Graph log pads it with '='.
      tokenId: str(props['uniqueTokenIdentifier']) ?? str(props['signInActivityId'])?.replace(/=+$/, '') ?? null,
      result: httpStatus !== null ? (httpStatus < 400 ? 'success' : 'failure') : envelopeResult(r, props),
      object,
    },
  );
}
