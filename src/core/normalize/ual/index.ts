/**
 * Unified Audit Log records (Purview export `AuditData`, Management Activity API, Graph
 * `auditLogRecord.auditData`, `Search-UnifiedAuditLog`, Sentinel OfficeActivity, Defender
 * `RawEventData`) → {@link NormalizedEvent}. Field names per reference §3; the per-operation
 * details (rules, forwarding, mail access, send, consent, logons, searches) fill `attrs`.
 */
import type { EventAttrs, MailAccessAttrs, SendAttrs } from '../../../shared/model/attrs';
import type { EventCategory, NormalizedEvent } from '../../../shared/model/event';
import { makeEvent, RecordError, timeFallback, type NormalizeContext } from '../event';
import { canonicalIp } from '../ip';
import { consentOf, consentSummary, type Modified } from '../consent';
import { otherRuleActions, ruleForwards, ruleFromParameters, ruleFromUpdateInboxRules, ruleSummary } from '../rules';
import { parseIsoUs, parseMachineTimeUs } from '../time';
import {
  arr,
  bool,
  clip,
  first,
  int,
  isObj,
  lower,
  modifiedProperties,
  nameValues,
  normalizeResult,
  obj,
  objOrHashtable,
  psHashtable,
  q,
  str,
  trimKeys,
  words,
  type Obj,
} from '../values';
import { recordTypeName } from './record-types';
import {
  aadSummary,
  alertSummary,
  folderName,
  itemSummary,
  mailDataSummary,
  mipLabelSummary,
  nonOwnerActor,
  onBehalf,
  quarantineReleaseSummary,
  targetName,
  urlClickSummary,
  type Described,
} from './summaries';

/** Values a container (CSV columns, Graph envelope, PowerShell object) offers when the record lacks them. */
export interface UalFallback {
  tsUs?: number | null;
  /** Where {@link tsUs} was read (`CreationDate` of the export), for the event's `timeFallback` note. */
  tsFrom?: string;
  id?: string | null;
  operation?: string | null;
  actor?: string | null;
  recordType?: unknown;
  clientIp?: string | null;
}

const RULE_CMDLETS: Record<string, 'create' | 'modify' | 'remove'> = {
  'new-inboxrule': 'create',
  'set-inboxrule': 'modify',
  'enable-inboxrule': 'modify',
  'disable-inboxrule': 'modify',
  'remove-inboxrule': 'remove',
};

/** Cmdlets that give or take another user's rights to a mailbox, its folders or sending as it. */
const PERMISSION_CMDLETS = new Set([
  'add-mailboxpermission',
  'remove-mailboxpermission',
  'add-recipientpermission',
  'remove-recipientpermission',
  'add-mailboxfolderpermission',
  'set-mailboxfolderpermission',
  'remove-mailboxfolderpermission',
]);
const FORWARDING_CMDLETS = new Set(['set-mailbox', 'set-mailuser', 'set-remotemailbox', 'enable-remotemailbox', 'new-mailbox']);
const TRANSPORT_RULE_CMDLETS = new Set(['new-transportrule', 'set-transportrule']);
const TRANSPORT_FORWARD_PARAMS = ['RedirectMessageTo', 'BlindCopyTo', 'AddToRecipients', 'CopyTo', 'AddManagerAsRecipientType'];

const LOGON_OPS = new Set([
  'userloggedin',
  'userloginfailed',
  'passwordlogoninitialauthusingpassword',
  'mailboxlogin',
  'signinevent',
  'tokenissued',
]);
const READ_OPS = new Set(['mailitemsaccessed', 'messagebind', 'folderbind', 'mailboxitemsaccessed']);
const SEND_OPS = new Set(['send', 'sendas', 'sendonbehalf']);
const DELETE_OPS = new Set(['softdelete', 'harddelete', 'movetodeleteditems', 'purge']);
const SEARCH_OPS = new Set(['searchqueryinitiatedexchange', 'searchqueryinitiatedsharepoint', 'searchqueryperformed']);
/** Mailbox item operations other than sends and deletes (their subject, folder and message id are in `Item` or `AffectedItems`). */
const ITEM_OPS = new Set(['create', 'update', 'copy', 'move']);
const ALERT_OPS = new Set(['alerttriggered', 'alertentitygenerated', 'alertupdated']);
const CONSENT_OPS = new Set([
  'consent to application.',
  'add delegated permission grant.',
  'add app role assignment to service principal.',
  'add app role assignment grant to user.',
  'add oauth2permissiongrant.',
]);
const FILE_WORKLOADS = new Set(['sharepoint', 'onedrive']);

/** SharePoint and OneDrive name a guest `urn:spo:guest#john.doe@example.com`: the address is the user. */
const SPO_GUEST = /^urn:spo:guest#([^\s#@]+@[^\s#@]+)$/;

function upn(v: unknown): string | null {
  const s = lower(v);
  if (s === null || s === 'not available') return null;
  return SPO_GUEST.exec(s)?.[1] ?? s;
}

function looksLikeUpn(s: string | null): s is string {
  return s !== null && /^[^\s@\\/]+@[^\s@\\/]+\.[^\s@\\/]+$/.test(s);
}

/** Strips Graph's OData annotations (`"RecordType@odata.type": "#Int64"`, `@odata.type`) at every depth. */
export function stripODataAnnotations(o: Obj): Obj {
  const out: Obj = {};
  for (const k in o) {
    if (k.includes('@odata.')) continue;
    const v = o[k];
    out[k] = Array.isArray(v) ? v.map((x) => (isObj(x) ? stripODataAnnotations(x) : x)) : isObj(v) ? stripODataAnnotations(v) : v;
  }
  return out;
}

/**
 * A PowerShell cmdlet's name (`Set-Mailbox`, `New-ConditionalAccessPolicy`): with `Parameters`, an
 * admin cmdlet record even when an export (a Log Analytics projection) dropped its RecordType.
 */
const CMDLET_NAME = /^[a-z]+-[a-z0-9]+$/;

function ualCategory(
  opLower: string,
  recordType: string | null,
  workload: string | null,
  forwarding: boolean,
  cmdlet: boolean,
): EventCategory {
  if (RULE_CMDLETS[opLower] || opLower === 'updateinboxrules') return forwarding ? 'forwarding' : 'rule-change';
  if (forwarding) return 'forwarding';
  if (LOGON_OPS.has(opLower) || recordType === 'AzureActiveDirectoryStsLogon' || recordType === 'AzureActiveDirectoryAccountLogon')
    return 'logon';
  if (READ_OPS.has(opLower)) return 'mail-read';
  if (SEND_OPS.has(opLower)) return 'mail-send';
  if (DELETE_OPS.has(opLower)) return 'mail-delete';
  if (SEARCH_OPS.has(opLower) || recordType === 'ExchangeSearch') return 'search';
  if (CONSENT_OPS.has(opLower)) return 'consent';
  if (workload !== null && FILE_WORKLOADS.has(workload.toLowerCase())) return 'file';
  if (
    recordType === 'ExchangeAdmin' ||
    recordType === 'AzureActiveDirectory' ||
    recordType === 'SecurityComplianceCenterEOPCmdlet' ||
    recordType === 'DataCenterSecurityCmdlet' ||
    (recordType === null && cmdlet)
  ) {
    return 'admin';
  }
  return 'other';
}

function mailAccess(r: Obj, props: Obj): MailAccessAttrs {
  const folders: MailAccessAttrs['folders'] = [];
  const messageIds: string[] = [];
  for (const entry of arr(r['Folders'] ?? r['AggregatedRecordFoldersData'])) {
    // Exported through PowerShell without -Depth, each folder is a hashtable's text
    // (`@{Id=…; Path=\Inbox; FolderItems=System.Object[]}`): its path survives, its items do not.
    const f = typeof entry === 'string' ? psHashtable(entry) : entry;
    if (!isObj(f)) continue;
    const items = arr(f['FolderItems']);
    folders.push({ path: folderName(str(f['Path'])), itemCount: items.length });
    for (const it of items) {
      const id = isObj(it) ? str(it['InternetMessageId']) : null;
      if (id !== null) messageIds.push(id);
    }
  }
  return {
    accessType: str(props['MailAccessType']),
    throttled: bool(props['IsThrottled']) === true,
    operationCount: int(r['OperationCount'] ?? r['AuditOperationsCountInAggregatedRecord']),
    folders,
    messageIds,
  };
}

function sendAttrs(r: Obj): SendAttrs {
  const item = obj(r['Item']) ?? {};
  const recipients: string[] = [];
  for (const x of arr(r['recipientList'] ?? r['RecipientList'])) {
    const a = isObj(x) ? lower(x['Address'] ?? x['address']) : lower(x);
    if (a !== null) recipients.push(a);
  }
  return {
    subject: str(item['Subject']),
    internetMessageId: str(item['InternetMessageId']),
    recipients,
    sendAs: lower(r['SendAsUserSmtp']),
    sendOnBehalfOf: lower(r['SendOnBehalfOfUserSmtp']),
  };
}

/** Recovers Sentinel `OfficeActivity` column names (and JSON-in-string columns) as a UAL record. */
export function fromOfficeActivity(row: Obj): Obj {
  const r: Obj = { ...row };
  const rename: [string, string][] = [
    ['Client_IPAddress', 'ClientIPAddress'],
    ['OfficeWorkload', 'Workload'],
    ['OfficeId', 'Id'],
    ['Logon_Type', 'LogonType'],
    ['OfficeObjectId', 'ObjectId'],
  ];
  for (const [from, to] of rename) if (r[to] === undefined && r[from] !== undefined) r[to] = r[from];
  if (r['CreationTime'] === undefined && r['TimeGenerated'] !== undefined) r['CreationTime'] = r['TimeGenerated'];
  if (r['Id'] === undefined && r['SourceRecordId'] !== undefined) r['Id'] = r['SourceRecordId'];
  if (r['ClientIP'] === undefined && r['ClientIP_'] !== undefined) r['ClientIP'] = r['ClientIP_'];
  for (const k of [
    'Folders',
    'OperationProperties',
    'Parameters',
    'ExtendedProperties',
    'ModifiedProperties',
    'AppAccessContext',
    'Item',
    'AffectedItems',
    'Folder',
    'DestFolder',
    'DeviceProperties',
    'Actor',
    'Target',
  ]) {
    const v = r[k];
    if (typeof v === 'string' && v.length > 0) r[k] = obj(v) ?? (arr(v).length > 0 ? arr(v) : v);
  }
  return r;
}

/**
 * Normalizes one UAL record. Throws {@link RecordError} (quarantine) when it has neither an
 * operation nor a usable time.
 */
export function normalizeUal(input: Obj, ctx: NormalizeContext, fb: UalFallback = {}): NormalizedEvent {
  const r = trimKeys(input);
  const operation = first(r['Operation'], fb.operation);
  if (operation === null) throw new RecordError('record has no Operation');
  const opLower = operation.toLowerCase();
  const created = r['CreationTime'];
  const ownUs = typeof created === 'string' ? (parseIsoUs(created) ?? parseMachineTimeUs(created)) : null;
  const tsUs = ownUs ?? fb.tsUs ?? null;
  if (tsUs === null) {
    throw new RecordError(
      created === undefined ? 'record has no CreationTime' : `CreationTime ${JSON.stringify(created)} is not an ISO 8601 time`,
    );
  }
  const id = first(r['Id'], fb.id);
  const own = recordTypeName(r['RecordType'] ?? null);
  // A number this table does not name yet (`RecordType 295`) yields to the name a wrapper gives
  // (Graph's `auditLogRecordType`: `AuditSearch`).
  const given = recordTypeName(fb.recordType ?? null);
  const recordType = own === null || (given !== null && own.startsWith('RecordType ')) ? (given ?? own) : own;
  const workload = str(r['Workload']);
  const actor = upn(r['UserId']) ?? upn(fb.actor) ?? null;
  // A guest read as their address (searchable with their other events) stays marked as one.
  const guest = typeof r['UserId'] === 'string' && SPO_GUEST.test(r['UserId'].toLowerCase());
  const aac = objOrHashtable(r['AppAccessContext']) ?? {};
  const params = nameValues(r['Parameters']);
  const props = nameValues(r['OperationProperties']);
  const ext = nameValues(r['ExtendedProperties']);
  const device = nameValues(r['DeviceProperties']);
  // Cmdlet parameters and operation properties are the record's own fields: flattened to the top
  // of `fields` (`fields.ForwardingSmtpAddress`, `fields.MailAccessType`; parameters win a clash).
  const fields: Obj = { ...props, ...params };
  if (Object.keys(ext).length > 0) fields['ExtendedProperties'] = ext;
  if (Object.keys(device).length > 0) fields['DeviceProperties'] = device;
  const modified = arr(r['ModifiedProperties']);
  if (modified.some((x) => isObj(x))) {
    const mp = modifiedProperties(modified);
    if (Object.keys(mp).length > 0) fields['ModifiedProperties'] = mp;
  } else if (modified.length > 0) {
    // A mailbox item `Update` lists the names of the properties it changed (§10.2).
    const names = modified.map((x) => str(x)).filter((x): x is string => x !== null);
    if (names.length > 0) fields['ModifiedProperties'] = names;
  }
  if (workload !== null) fields['Workload'] = workload;
  if (guest) fields['UserId'] = r['UserId'];
  const recordedLogon = r['LogonType'];
  if (recordedLogon !== undefined && recordedLogon !== null) fields['LogonType'] = recordedLogon;
  // Who acted, for the summaries: the owner when the logon's SID is the mailbox owner's, whatever
  // LogonType says (a delegate-typed logon by the owner's own account).
  const logonType = sameSid(r['LogonUserSid'], r['MailboxOwnerSid']) ? 0 : recordedLogon;
  const external = bool(r['ExternalAccess']);
  if (external !== null) fields['ExternalAccess'] = external;

  // The client app: on mail read through Graph, AppId is Graph itself and ClientAppId the app that
  // called it (the one CISA AA23-193A hunts by). Any other of the three ids is kept in `fields`.
  const appId = first(r['ClientAppId'], aac['ClientAppId'], r['AppId'], r['ApplicationId']);
  for (const k of ['AppId', 'ClientAppId', 'HostAppId']) {
    const v = str(r[k]);
    if (v !== null && v !== appId) fields[k] = v;
  }

  const attrs: EventAttrs = { fields };
  if (ownUs === null) attrs.timeFallback = timeFallback('CreationTime', created, fb.tsFrom ?? 'the record around it');
  let mailbox = upn(r['MailboxOwnerUPN']);
  let object: string | null = str(r['ObjectId']);
  let summary: string | null = null;
  let forwarding = false;
  // `UserIp`: where a Safe Links click (TIUrlClickData) came from.
  const ipText = first(r['ClientIPAddress'], r['ClientIP'], r['ActorIpAddress'], r['UserIp'], fb.clientIp);
  const clientIp = canonicalIp(ipText);
  if (clientIp === null && ipText !== null) fields['ClientIPText'] = ipText;
  const from = clientIp ? ` from ${clientIp}` : '';

  const ruleOp = RULE_CMDLETS[opLower];
  if (ruleOp) {
    const enabled = opLower === 'enable-inboxrule' ? true : opLower === 'disable-inboxrule' ? false : undefined;
    const rule = ruleFromParameters(ruleOp, params, enabled);
    if (rule.name === null && object !== null && object.includes('\\')) rule.name = object.slice(object.lastIndexOf('\\') + 1);
    attrs.rule = rule;
    forwarding = ruleForwards(rule);
    const explicit = lower(params['Mailbox']);
    // `Identity` is the rule's name, or `owner\rule id` with the owner as an alias or address: a
    // rule is the actor's own unless another mailbox is named.
    const identity = lower(params['Identity']);
    const owner = identity?.includes('\\') ? identity.slice(0, identity.indexOf('\\')) : null;
    const othersAlias = owner !== null && !looksLikeUpn(owner) && owner !== actor?.split('@')[0];
    mailbox =
      mailbox ?? (looksLikeUpn(explicit) ? explicit : looksLikeUpn(owner) ? owner : explicit !== null || othersAlias ? null : actor);
    object = rule.name ?? object;
    summary = ruleSummary(operation, rule, mailbox, { by: nonOwnerActor(actor, mailbox, logonType) });
  } else if (PERMISSION_CMDLETS.has(opLower)) {
    // Delegation: `Identity` is the mailbox (`owner:\Folder` for a folder), `User` or `Trustee` who gets or loses the rights.
    const identity = str(params['Identity']);
    const owner = lower(identity?.split(':')[0]);
    mailbox = mailbox ?? (looksLikeUpn(owner) ? owner : null);
    const grantee = lower(params['User'] ?? params['Trustee']);
    const rights = words(params['AccessRights']).join(', ');
    object = identity ?? object;
    const to = grantee === null ? '' : ` ${opLower.startsWith('remove-') ? 'from' : 'to'} ${grantee}`;
    summary = `${operation} on ${mailbox ?? identity ?? 'mailbox'}${rights || to ? `: ${rights || 'rights'}${to}` : ''}${actor ? ` by ${actor}` : ''}`;
  } else if (opLower === 'updateinboxrules') {
    const rule = ruleFromUpdateInboxRules(props);
    attrs.rule = rule;
    forwarding = ruleForwards(rule);
    object = rule.name ?? rule.id;
    summary = ruleSummary(`${operation} (${str(props['RuleOperation']) ?? 'rule change'})`, rule, mailbox, {
      by: nonOwnerActor(actor, mailbox, logonType),
      otherActions: otherRuleActions(props),
    });
  } else if (
    FORWARDING_CMDLETS.has(opLower) &&
    ('ForwardingSmtpAddress' in params || 'ForwardingAddress' in params || 'DeliverToMailboxAndForward' in params)
  ) {
    forwarding = true;
    const smtp = str(params['ForwardingSmtpAddress']);
    const fwd = {
      forwardingSmtpAddress: smtp ? smtp.replace(/^smtp:/i, '').toLowerCase() : null,
      forwardingAddress: str(params['ForwardingAddress']),
      deliverToMailboxAndForward: bool(params['DeliverToMailboxAndForward']),
    };
    attrs.forwarding = fwd;
    const identity = lower(params['Identity']) ?? lower(object);
    mailbox = mailbox ?? (looksLikeUpn(identity) ? identity : null);
    const target = fwd.forwardingSmtpAddress ?? fwd.forwardingAddress;
    const what =
      target !== null
        ? `forward to ${target}${fwd.deliverToMailboxAndForward === true ? ' (keep a copy)' : fwd.deliverToMailboxAndForward === false ? ' (no copy kept)' : ''}`
        : 'forwarding removed';
    const by = nonOwnerActor(actor, mailbox, logonType);
    summary = `${operation} on ${mailbox ?? identity ?? object ?? 'mailbox'}${by !== null ? ` by ${by}` : ''}: ${what}`;
  } else if (TRANSPORT_RULE_CMDLETS.has(opLower) && TRANSPORT_FORWARD_PARAMS.some((p) => p in params)) {
    forwarding = true;
    const targets = TRANSPORT_FORWARD_PARAMS.filter((p) => p in params).map((p) => `${p} ${words(params[p]).join(', ')}`);
    object = str(params['Name']) ?? str(params['Identity']) ?? object;
    summary = `${operation}${object ? ` ${q(object)}` : ''}: ${targets.join('; ')}`;
  } else if (READ_OPS.has(opLower)) {
    const ma = mailAccess(r, props);
    attrs.mailAccess = ma;
    const names = ma.folders.map((f) => f.path ?? '?');
    const n = ma.operationCount ?? ma.folders.reduce((s, f) => s + f.itemCount, 0);
    object = names.length > 0 ? names.join(', ') : object;
    summary = `${operation}${ma.accessType ? ` ${ma.accessType}` : ''}${names.length > 0 ? ` of ${clip(names.join(', '), 80)}` : ''} (${n} item${n === 1 ? '' : 's'})${onBehalf(actor, mailbox, logonType)}${from}${ma.throttled ? ', throttled' : ''}`;
  } else if (SEND_OPS.has(opLower)) {
    const s = sendAttrs(r);
    attrs.send = s;
    object = s.subject ?? object;
    const as = s.sendAs ? ` as ${s.sendAs}` : s.sendOnBehalfOf ? ` on behalf of ${s.sendOnBehalfOf}` : '';
    const to = s.recipients.length > 0 ? ` to ${clip(s.recipients.join(', '), 80)}` : '';
    // Sent as the mailbox itself (SendAs by a delegate): `as` already names it.
    const by = mailbox !== null && (mailbox === s.sendAs || mailbox === s.sendOnBehalfOf) ? nonOwnerActor(actor, mailbox, logonType) : null;
    summary = `${operation}${as}${s.subject !== null ? ` ${q(s.subject)}` : ''}${to}${by !== null ? ` by ${by}` : onBehalf(actor, mailbox, logonType)}${from}`;
  } else if (DELETE_OPS.has(opLower)) {
    const items = arr(r['AffectedItems']);
    const subjects = items.map((x) => (isObj(x) ? str(x['Subject']) : null)).filter((x): x is string => x !== null);
    const f = folderName(str(obj(r['Folder'])?.['Path']));
    object = subjects[0] ?? f ?? object;
    summary = `${operation} of ${items.length} item${items.length === 1 ? '' : 's'}${f ? ` from ${f}` : ''}${subjects.length > 0 ? ` (${clip(subjects.map((s) => `"${s}"`).join(', '), 80)})` : ''}${onBehalf(actor, mailbox, logonType)}${from}`;
  } else if (SEARCH_OPS.has(opLower)) {
    const query = first(r['QueryText'], r['SearchQuery'], r['QueryString'], props['QueryText']);
    attrs.search = { query };
    object = query ?? object;
    summary = `${operation}${query !== null ? ` ${q(query)}` : ''}${from}`;
  } else if (CONSENT_OPS.has(opLower)) {
    const mp = (fields['ModifiedProperties'] ?? {}) as Modified;
    const additional = obj(ext['additionalDetails']) ?? {};
    attrs.consent = consentOf(mp, {
      targetName: targetName(r),
      targetId: str(r['ObjectId']),
      detailsAppId: str(additional['AppId']),
      // The UAL lists a record's target ids and names apart: a grantee is not named by its id.
      objectName: () => null,
    });
    object = attrs.consent.appName ?? attrs.consent.appId ?? object;
    summary = consentSummary(operation, attrs.consent, actor);
  } else if (LOGON_OPS.has(opLower) || recordType === 'AzureActiveDirectoryStsLogon') {
    const errorCode = int(r['ErrorNumber'] ?? r['ErrorCode']);
    // The result follows the AADSTS code (ualResult); the summary must say so too, with the
    // reason where the record gives one (ResultStatusDetail reads `Success` on failed logons).
    const detail = str(ext['ResultStatusDetail']);
    const failed = opLower === 'userloginfailed' || (errorCode !== null && errorCode !== 0);
    const failure =
      str(r['LogonError']) ??
      str(ext['LoginError']) ??
      (failed ? ((normalizeResult(detail) === 'success' ? null : detail) ?? 'failed') : null);
    attrs.signin = {
      errorCode,
      failureReason: failure,
      clientAppUsed: null,
      authenticationProtocol: null,
      authenticationRequirement: null,
      signInEventType: null,
      isInteractive: null,
      conditionalAccessStatus: null,
      riskLevel: null,
      riskEventTypes: [],
      location: null,
      resourceId: str(r['ObjectId']),
      resourceName: null,
      appName: null,
    };
    object = str(r['ObjectId']);
    summary = `${operation}${actor ? ` ${actor}` : ''}${from}${failure ? `: ${failure}${errorCode ? ` (${errorCode})` : ''}` : ''}`;
  } else {
    // (A mailbox item's `ModifiedProperties` is a list of names, not the AAD map.)
    const mp = isObj(fields['ModifiedProperties']) ? (fields['ModifiedProperties'] as Modified) : {};
    const d = describeOperation(opLower, operation, recordType, workload, r, { actor, mailbox, logonType, from, ext, mp });
    if (d !== null) {
      summary = d.summary;
      object = d.object ?? object;
      for (const [k, v] of Object.entries(d.fields ?? {})) if (!(k in fields)) fields[k] = v;
    }
  }

  // A cmdlet's target is its `Identity`; exports that drop ObjectId (Log Analytics projections) keep it there.
  object ??= str(params['Identity']);
  const ua = first(ext['UserAgent'], r['UserAgent'], device['UserAgent']);
  const result = ualResult(opLower, r, ext);
  const sessionId = first(r['SessionId'], aac['AADSessionId'], device['SessionId']);
  const ev = makeEvent(
    {
      tsUs,
      source: 'ual',
      operation,
      category: ualCategory(opLower, recordType, workload, forwarding, CMDLET_NAME.test(opLower) && Object.keys(params).length > 0),
      summary: summary ?? defaultSummary(operation, actor, object, clientIp),
      recordKey: id !== null ? `ual:${id.toLowerCase()}` : null,
      attrs,
    },
    ctx,
    {
      recordType,
      actor,
      mailbox,
      clientIp,
      userAgent: ua,
      clientApp: first(r['ClientInfoString'], aac['ClientAppName'], r['ClientAppName']),
      appId,
      sessionId,
      tokenId: first(aac['UniqueTokenId'], r['UniqueTokenIdentifier'], r['UniqueTokenId']),
      deviceId: first(r['DeviceId'], device['Id']),
      result,
      object: object !== null ? clip(object, 500) : null,
    },
  );
  return ev;
}

/** True when two SIDs are given and are the same account's. */
function sameSid(a: unknown, b: unknown): boolean {
  const x = str(a);
  const y = str(b);
  return x !== null && y !== null && x.toUpperCase() === y.toUpperCase();
}

/** What {@link describeOperation} reads beside the record. */
interface DescribeContext {
  actor: string | null;
  mailbox: string | null;
  logonType: unknown;
  /** ` from <ip>`, or ``. */
  from: string;
  ext: Obj;
  /** AAD `ModifiedProperties` by name (empty for a mailbox item's list of names). */
  mp: Modified;
}

/** The summary of an operation ./summaries.ts describes, else `null` (the default summary). */
function describeOperation(
  opLower: string,
  operation: string,
  recordType: string | null,
  workload: string | null,
  r: Obj,
  c: DescribeContext,
): Described | null {
  // Without its item a record says no more than the default summary does (who, on what, from where).
  if (ITEM_OPS.has(opLower) && (obj(r['Item']) !== null || arr(r['AffectedItems']).length > 0)) {
    return itemSummary(operation, r, onBehalf(c.actor, c.mailbox, c.logonType), c.from);
  }
  if (ALERT_OPS.has(opLower) || recordType === 'SecurityComplianceAlerts') return alertSummary(operation, r);
  if (opLower === 'tiurlclickdata') return urlClickSummary(operation, r, c.actor, c.from);
  if (opLower === 'timaildata') return mailDataSummary(operation, r);
  if (opLower === 'quarantinereleasemessage') return quarantineReleaseSummary(operation, r, c.actor);
  if (opLower === 'miplabel') return mipLabelSummary(operation, r);
  if (recordType === 'AzureActiveDirectory' || workload?.toLowerCase() === 'azureactivedirectory') {
    return aadSummary(operation, r, c.mp, c.ext, c.actor, c.from);
  }
  return null;
}

function ualResult(opLower: string, r: Obj, ext: Obj): string | null {
  if (opLower === 'userloginfailed') return 'failure';
  const err = int(r['ErrorNumber']);
  if (err !== null && err !== 0) return 'failure';
  if (str(r['LogonError']) !== null) return 'failure';
  if (opLower === 'userloggedin') return 'success';
  return normalizeResult(r['ResultStatus']) ?? normalizeResult(ext['ResultStatusDetail']);
}

/** The summary of an operation no mapping describes: what, by whom, on what, from where. */
export function defaultSummary(operation: string, actor: string | null, object: string | null, ip: string | null): string {
  let s = operation;
  if (actor) s += ` by ${actor}`;
  if (object) s += ` on ${clip(object, 100)}`;
  if (ip) s += ` from ${ip}`;
  return s;
}
