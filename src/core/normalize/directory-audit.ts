/**
 * Entra directory audits → {@link NormalizedEvent}: Graph `directoryAudit` (also inside Azure
 * Monitor `AuditLogs` `properties`) and Log Analytics `AuditLogs` rows (JSON-in-string columns).
 * Consent activities fill `attrs.consent`.
 */
import type { EventAttrs } from '../../shared/model/attrs';
import { consentOf, consentSummary, type Modified } from './consent';
import type { EventCategory, NormalizedEvent } from '../../shared/model/event';
import { makeEvent, RecordError, timeFallback, type NormalizeContext } from './event';
import { canonicalIp } from './ip';
import { parseMachineTimeUs } from './time';
import {
  arr,
  first,
  isObj,
  lower,
  modifiedProperties,
  nameValues,
  normalizeResult,
  obj,
  objOrHashtable,
  q,
  str,
  trimKeys,
  type Obj,
} from './values';

const CONSENT = new Set([
  'consent to application',
  'add delegated permission grant',
  'add app role assignment to service principal',
  'add app role assignment grant to user',
  'add oauth2permissiongrant',
]);

/** Normalizes one directory audit (Graph shape). */
export function normalizeDirectoryAudit(
  input: Obj,
  ctx: NormalizeContext,
  hint: { tsUs?: number | null; tsFrom?: string; operation?: string | null; clientIp?: string | null } = {},
): NormalizedEvent {
  const a = trimKeys(input);
  const ownUs = parseMachineTimeUs(a['activityDateTime']) ?? parseMachineTimeUs(a['createdDateTime']);
  const tsUs = ownUs ?? hint.tsUs ?? null;
  if (tsUs === null) throw new RecordError('directory audit has no valid activityDateTime');
  const operation = str(a['activityDisplayName']) ?? str(a['operationName']) ?? hint.operation ?? null;
  if (operation === null) throw new RecordError('directory audit has no activityDisplayName');
  const id = str(a['id']);
  const by = objOrHashtable(a['initiatedBy']) ?? {};
  const user = objOrHashtable(by['user']);
  const app = objOrHashtable(by['app']);
  const actor =
    lower(user?.['userPrincipalName']) ?? lower(app?.['servicePrincipalName']) ?? lower(app?.['displayName']) ?? lower(user?.['id']);
  const ip = canonicalIp(str(user?.['ipAddress'])) ?? canonicalIp(hint.clientIp ?? null);
  const targets = arr(a['targetResources']).filter(isObj);
  const details = nameValues(a['additionalDetails']);
  const fields: Obj = {};
  if (Object.keys(details).length > 0) fields['additionalDetails'] = details;
  const targetFields = targets.map((t) => ({
    id: t['id'] ?? null,
    displayName: t['displayName'] ?? null,
    type: t['type'] ?? t['Type'] ?? null,
    userPrincipalName: t['userPrincipalName'] ?? null,
    modifiedProperties: modifiedProperties(t['modifiedProperties']),
  }));
  if (targetFields.length > 0) fields['targetResources'] = targetFields;
  for (const k of ['category', 'loggedByService', 'operationType', 'correlationId', 'resultReason'])
    if (str(a[k]) !== null) fields[k] = a[k];
  const t0 = targets[0];
  const object = str(t0?.['userPrincipalName']) ?? str(t0?.['displayName']) ?? str(t0?.['id']);
  const opKey = operation.toLowerCase().replace(/\.$/, '').trim();
  let category: EventCategory = 'admin';
  const attrs: EventAttrs = { fields };
  if (ownUs === null) attrs.timeFallback = timeFallback('activityDateTime', a['activityDateTime'], hint.tsFrom ?? 'the record around it');
  let summary = `${operation}${object ? ` ${q(object)}` : ''}${actor ? ` by ${actor}` : ''}${ip ? ` from ${ip}` : ''}`;
  if (CONSENT.has(opKey)) {
    category = 'consent';
    const sp = targets.find((t) => str(t['type'] ?? t['Type'])?.toLowerCase() === 'serviceprincipal') ?? t0;
    const mp: Modified = {};
    for (const t of targetFields) Object.assign(mp, t.modifiedProperties);
    attrs.consent = consentOf(mp, {
      targetName: str(sp?.['displayName']),
      targetId: str(sp?.['id']),
      detailsAppId: str(details['AppId']),
      objectName: (id) => str(targets.find((t) => str(t['id']) === id)?.['displayName']),
    });
    summary = consentSummary(operation, attrs.consent, actor);
  }
  return makeEvent({ tsUs, source: 'directory-audit', operation, category, summary, recordKey: id ? `audit:${id}` : null, attrs }, ctx, {
    recordType: str(a['category']),
    actor,
    clientIp: ip,
    userAgent: first(details['User-Agent'], details['UserAgent']),
    appId: str(app?.['appId']),
    result: normalizeResult(a['result']),
    object,
  });
}

/** Recovers a Graph-shaped directory audit from a Log Analytics `AuditLogs` row. */
export function fromAuditLogsRow(row: Obj): Obj {
  return {
    id: row['Id'],
    activityDateTime: row['ActivityDateTime'] ?? row['TimeGenerated'],
    activityDisplayName: row['ActivityDisplayName'] ?? row['OperationName'],
    category: row['Category'],
    correlationId: row['CorrelationId'],
    result: row['Result'],
    resultReason: row['ResultReason'],
    loggedByService: row['LoggedByService'],
    operationType: row['AADOperationType'],
    initiatedBy: obj(row['InitiatedBy']) ?? {},
    targetResources: arr(row['TargetResources']),
    additionalDetails: arr(row['AdditionalDetails']),
  };
}
