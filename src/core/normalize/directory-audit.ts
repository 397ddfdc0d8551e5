/**
 * Entra directory audits → {@link NormalizedEvent}: Graph `directoryAudit` (also inside Azure
 * Monitor `AuditLogs` `properties`) and Log Analytics `AuditLogs` rows (JSON-in-string columns).
 * Consent activities fill `attrs.consent`.
 */
import type { EventAttrs } from '../../shared/model/attrs';
import { consentOf, consentSummary, type Modified } from './consent';
import { changedPropertyNames, changesText, MEMBERSHIP_OP, modifiedText } from './entra-changes';
import type { EventCategory, NormalizedEvent } from '../../shared/model/event';
import { makeEvent, RecordError, timeFallback, type NormalizeContext } from './event';
import { canonicalIp } from './ip';
import { parseMachineTimeUs } from './time';
import {
  arr,
  clip,
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

/** Target types that can be a role's or group's member. */
const PRINCIPALS = new Set(['user', 'serviceprincipal', 'group', 'device']);

type TargetFields = { type: unknown; modifiedProperties: Modified };

/** A target's type, lower-cased (Graph writes `type`, some exports `Type`). */
function typeOf(t: Obj | undefined): string | null {
  return lower(t?.['type'] ?? t?.['Type']);
}

/** How a summary names a target: its UPN, display name or id. */
function targetLabel(t: Obj | undefined): string | null {
  return str(t?.['userPrincipalName']) ?? str(t?.['displayName']) ?? str(t?.['id']);
}

/** The role or group a membership audit changes, and the member added or removed. */
interface Membership {
  kind: 'role' | 'group';
  name: string | null;
  member: string | null;
}

/**
 * Reads a membership audit. Entra records the role or group on the member's target
 * (`Role.DisplayName`, `Group.DisplayName`, JSON-quoted); the role's or group's own target often has
 * no display name, and which of the two comes first varies.
 */
function membershipOf(opKey: string, targets: Obj[], fields: TargetFields[]): Membership | null {
  const kind = MEMBERSHIP_OP.exec(opKey)?.[1] as Membership['kind'] | undefined;
  if (kind === undefined) return null;
  const prefix = kind === 'role' ? 'Role' : 'Group';
  const named = (key: string): { at: number; text: string | null } => {
    const at = fields.findIndex((f) => modifiedText(f.modifiedProperties[key]?.new ?? f.modifiedProperties[key]?.old) !== null);
    const mp = fields[at]?.modifiedProperties[key];
    return { at, text: modifiedText(mp?.new ?? mp?.old) };
  };
  const byName = named(`${prefix}.DisplayName`);
  // The role or group: the target whose id the member's `Role.ObjectID` / `Group.ObjectID` names,
  // else the last of its kind (Entra lists the member first; in a nested group both are groups).
  const containerId = named(`${prefix}.ObjectID`).text;
  const byId = containerId === null ? -1 : targets.findIndex((t) => str(t['id']) === containerId);
  const container = byId >= 0 ? byId : targets.findLastIndex((t, i) => i !== byName.at && typeOf(t) === kind);
  // The member: the target carrying those properties, else the first principal (a PIM audit also
  // lists its request, the directory and others, which are not members).
  const others = (i: number) => i !== container;
  const principal = targets.findIndex((t, i) => others(i) && PRINCIPALS.has(typeOf(t) ?? ''));
  const memberAt = byName.at >= 0 ? byName.at : principal >= 0 ? principal : targets.findIndex((_, i) => others(i));
  const name = byName.text ?? str(targets[container]?.['displayName']) ?? named(`${prefix}.WellKnownObjectName`).text;
  return { kind, name, member: targetLabel(targets[memberAt]) };
}

/** The properties an update changed, from the first target that names any ({@link changedPropertyNames}). */
function changedProperties(fields: TargetFields[]): string[] {
  for (const f of fields) {
    const names = changedPropertyNames(f.modifiedProperties);
    if (names.length > 0) return names;
  }
  return [];
}

/**
 * `failure (SpnValidationException)` for an audit that did not succeed, else null. A reason that is
 * a .NET type name is cut to its last part: the full text stays in `attrs.fields.resultReason`.
 */
function outcomeText(result: string | null, reason: string | null): string | null {
  if (result === null || result === 'success') return null;
  if (reason === null) return result;
  const type = /^(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)$/.exec(reason)?.[1];
  return `${result} (${type ?? clip(reason, 80)})`;
}

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
  hint: {
    tsUs?: number | null;
    tsFrom?: string;
    operation?: string | null;
    clientIp?: string | null;
    /** Who the record around the audit names (the Azure Monitor envelope's `identity`). */
    actor?: string | null;
    /** The audit's category when its properties lack one (an envelope that names it instead of `AuditLogs`). */
    category?: string | null;
  } = {},
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
    lower(user?.['userPrincipalName']) ??
    lower(app?.['servicePrincipalName']) ??
    lower(app?.['displayName']) ??
    lower(user?.['id']) ??
    // Service-initiated audits (`initiatedBy: {}`) are named only there: "Microsoft Azure AD Internal - Jit Provisioning".
    lower(hint.actor);
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
  const opKey = operation.toLowerCase().replace(/\.$/, '').trim();
  const membership = membershipOf(opKey, targets, targetFields);
  if (membership?.name) fields[membership.kind] = membership.name;
  const object = membership?.member ?? targetLabel(t0);
  let category: EventCategory = 'admin';
  const attrs: EventAttrs = { fields };
  if (ownUs === null) attrs.timeFallback = timeFallback('activityDateTime', a['activityDateTime'], hint.tsFrom ?? 'the record around it');
  const byFrom = `${actor ? ` by ${actor}` : ''}${ip ? ` from ${ip}` : ''}`;
  let summary = membership
    ? `${operation}${membership.name ? ` ${q(membership.name)}` : ''}${object ? `: ${/\s/.test(object) ? q(object) : clip(object, 80)}` : ''}${byFrom}`
    : `${operation}${object ? ` ${q(object)}` : ''}${byFrom}`;
  const changes = opKey.startsWith('update ') ? changedProperties(targetFields) : [];
  if (changes.length > 0) summary += `: ${changesText(changes)}`;
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
  const result = normalizeResult(a['result']);
  const outcome = outcomeText(result, str(a['resultReason']));
  if (outcome !== null) summary += `${changes.length > 0 ? ';' : ':'} ${outcome}`;
  return makeEvent({ tsUs, source: 'directory-audit', operation, category, summary, recordKey: id ? `audit:${id}` : null, attrs }, ctx, {
    recordType: str(a['category']) ?? hint.category ?? null,
    actor,
    clientIp: ip,
    userAgent: first(details['User-Agent'], details['UserAgent']),
    appId: str(app?.['appId']),
    // Device audits carry the Entra device id (the sign-ins' deviceDetail.deviceId), not only the object id.
    deviceId: first(details['DeviceId'], modifiedText(targetFields[0]?.modifiedProperties['TargetId.DeviceId']?.new)),
    result,
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
