/**
 * JSON records of every family: recognises a record by its shape (so a mixed file, e.g. a
 * Sentinel export of several tables, imports every row with the right mapping) and hands it to its
 * normalizer. Wrappers are opened here: PowerShell `Search-UnifiedAuditLog` objects (`AuditData`
 * string), Graph `auditLogRecord` (`auditData`), Defender `CloudAppEvents` (`RawEventData`),
 * Panther test wrappers (`log`, lower-cased keys).
 */
import { fromGraphSdk, isGraphSdkObject } from '../normalize/graph-sdk';
import type { FormatId } from '../../shared/model/ingest';
import type { NormalizedEvent } from '../../shared/model/event';
import { normalizeActivity } from '../normalize/activities';
import { normalizeAzureMonitor } from '../normalize/azure-monitor';
import { fromAuditLogsRow, normalizeDirectoryAudit } from '../normalize/directory-audit';
import { RecordError, type NormalizeContext } from '../normalize/event';
import {
  isMailboxSettings,
  isMessageRule,
  isOAuth2Grant,
  isPowerShellInboxRule,
  normalizeMailboxSettings,
  normalizeMessageRule,
  normalizeOAuth2Grant,
  normalizePowerShellInboxRule,
} from '../normalize/mailbox-state';
import { fromSigninLogsRow, normalizeSignin, signInEventTypeOf } from '../normalize/signin';
import { parseDotNetDateUs, parseIsoUs, parseUsDateUs } from '../normalize/time';
import { fromOfficeActivity, normalizeUal, stripODataAnnotations } from '../normalize/ual';
import { isCloudAppEventsRow, normalizeCloudAppEventsColumns } from '../normalize/ual/cloud-app-events';
import { isObj, str, type Obj } from '../normalize/values';

/** Record shapes recognised in JSON input. */
export type JsonRecordKind =
  | 'ual'
  | 'ual-powershell'
  | 'graph-audit'
  | 'signin'
  | 'directory-audit'
  | 'azure-monitor'
  | 'office-activity'
  | 'log-analytics-signin'
  | 'log-analytics-audit'
  | 'activity'
  | 'message-rule'
  | 'mailbox-settings'
  | 'oauth2-grant'
  | 'powershell-inbox-rule'
  | 'defender-cloudapp'
  | 'panther';

const LA_SIGNIN_TABLES = new Set([
  'signinlogs',
  'aadnoninteractiveusersigninlogs',
  'aadserviceprincipalsigninlogs',
  'aadmanagedidentitysigninlogs',
]);

/** Recognises a JSON record, or `null`. */
export function classifyJson(o: Obj): JsonRecordKind | null {
  if (isGraphSdkObject(o)) return classifyJson(fromGraphSdk(o));
  if ('_panther_log_type' in o || ('log' in o && '_panther_rule' in o)) return 'panther';
  if ('auditData' in o && ('auditLogRecordType' in o || 'operation' in o)) return 'graph-audit';
  if (
    typeof o['AuditData'] === 'string' &&
    ('Operations' in o || 'RunspaceId' in o || 'ResultIndex' in o || 'UserIds' in o || 'CreationDate' in o)
  )
    return 'ual-powershell';
  // An advanced-hunting row (every table has these three); a query may have projected RawEventData away.
  if ('ActionType' in o && ('RawEventData' in o || ('Timestamp' in o && 'ReportId' in o))) return 'defender-cloudapp';
  const type = str(o['Type']);
  if (type !== null) {
    const t = type.toLowerCase();
    if (t === 'officeactivity') return 'office-activity';
    if (LA_SIGNIN_TABLES.has(t)) return 'log-analytics-signin';
    if (t === 'auditlogs') return 'log-analytics-audit';
  } else if ('TimeGenerated' in o) {
    // A Log Analytics row whose query projected the Type column away: its Category still names the log.
    if (signInEventTypeOf(str(o['Category'])) !== null && !('properties' in o)) return 'log-analytics-signin';
    if ('ActivityDisplayName' in o && ('ActivityDateTime' in o || 'InitiatedBy' in o)) return 'log-analytics-audit';
  }
  if ('properties' in o && ('category' in o || 'Category' in o) && ('time' in o || 'operationName' in o)) return 'azure-monitor';
  if ('OfficeWorkload' in o || 'Client_IPAddress' in o) return 'office-activity';
  if ('Operation' in o && ('CreationTime' in o || 'RecordType' in o || 'Workload' in o)) return 'ual';
  if ('activityDisplayName' in o && ('activityDateTime' in o || 'initiatedBy' in o || 'createdDateTime' in o)) return 'directory-audit';
  if ('ActivityDisplayName' in o && 'InitiatedBy' in o) return 'log-analytics-audit';
  if ('createdDateTime' in o && ('userPrincipalName' in o || 'appId' in o) && ('status' in o || 'ipAddress' in o || 'clientAppUsed' in o))
    return 'signin';
  if ('ActivityIdType' in o) return 'activity';
  if (isMessageRule(o)) return 'message-rule';
  if (isOAuth2Grant(o)) return 'oauth2-grant';
  if (isMailboxSettings(o)) return 'mailbox-settings';
  if (isPowerShellInboxRule(o)) return 'powershell-inbox-rule';
  return null;
}

/** The format a file of such records is reported as. */
export function formatOfKind(kind: JsonRecordKind, paged: boolean): FormatId {
  switch (kind) {
    case 'ual':
    case 'office-activity':
    case 'defender-cloudapp':
    case 'panther':
      return 'ual-json';
    case 'ual-powershell':
      return 'ual-powershell-json';
    case 'graph-audit':
      return 'graph-audit-records';
    case 'signin':
      return paged ? 'graph-signins' : 'entra-signin-json';
    case 'directory-audit':
      return 'graph-directory-audits';
    case 'azure-monitor':
    case 'log-analytics-signin':
    case 'log-analytics-audit':
      return 'azure-monitor-entra';
    case 'activity':
      return 'activities-json';
    case 'message-rule':
      return 'graph-message-rules';
    case 'mailbox-settings':
      return 'graph-mailbox-settings';
    case 'oauth2-grant':
      return 'graph-oauth2-grants';
    case 'powershell-inbox-rule':
      return 'inbox-rules-powershell';
  }
}

/** The record kind a format's records are read as when their shape alone does not tell. */
const DEFAULT_KIND: Partial<Record<FormatId, JsonRecordKind>> = {
  'ual-json': 'ual',
  'ual-powershell-json': 'ual-powershell',
  'graph-audit-records': 'graph-audit',
  'graph-signins': 'signin',
  'entra-signin-json': 'signin',
  'graph-directory-audits': 'directory-audit',
  'azure-monitor-entra': 'azure-monitor',
  'activities-json': 'activity',
  'graph-message-rules': 'message-rule',
  'graph-mailbox-settings': 'mailbox-settings',
  'graph-oauth2-grants': 'oauth2-grant',
  'inbox-rules-powershell': 'powershell-inbox-rule',
};

/** Panther lower-cases top-level keys; restore the spelling the UAL and Azure Monitor mappings read. */
const CANONICAL_KEYS = [
  'CreationTime',
  'Id',
  'Operation',
  'OrganizationId',
  'RecordType',
  'ResultStatus',
  'UserKey',
  'UserType',
  'Workload',
  'ClientIP',
  'ObjectId',
  'UserId',
  'Parameters',
  'ExtendedProperties',
  'ModifiedProperties',
  'OperationProperties',
  'ClientIPAddress',
  'ClientInfoString',
  'MailboxOwnerUPN',
  'SessionId',
  'AppId',
  'ClientAppId',
  'AppAccessContext',
  'Folders',
  'UserAgent',
  'ExternalAccess',
  'LogonType',
  'Item',
  'AffectedItems',
  'Folder',
  'DeviceProperties',
  'ErrorNumber',
  'LogonError',
  'ApplicationId',
  'ActorIpAddress',
  'time',
  'resourceId',
  'operationName',
  'category',
  'properties',
  'callerIpAddress',
  'correlationId',
  'identity',
  'resultType',
  'resultSignature',
  'Level',
];
const CANONICAL = new Map(CANONICAL_KEYS.map((k) => [k.toLowerCase(), k]));

function canonicalizeKeys(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    const c = k === k.toLowerCase() ? (CANONICAL.get(k) ?? k) : k;
    if (!(c in out)) out[c] = v;
  }
  return out;
}

/**
 * Characters an Excel cell holds: a Purview export opened and saved in Excel has every longer
 * `AuditData` (a `MailItemsAccessed` with many items, a rule with many conditions) cut to this.
 */
const EXCEL_CELL_MAX = 32_767;

function parseAuditDataString(v: unknown, what: string): Obj {
  if (isObj(v)) return v;
  if (typeof v !== 'string') throw new RecordError(`${what} is missing`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (err) {
    if (v.length === EXCEL_CELL_MAX)
      throw new RecordError(
        `${what} is not valid JSON: cut at 32,767 characters, the most an Excel cell holds (the file was saved from Excel; import the original export)`,
      );
    throw new RecordError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObj(parsed)) throw new RecordError(`${what} is not a JSON object`);
  return parsed;
}

/** A `Search-UnifiedAuditLog` object (CSV row or ConvertTo-Json): `AuditData` plus envelope fallbacks. */
export function normalizePowerShellUal(o: Obj, ctx: NormalizeContext, usDates: boolean): NormalizedEvent {
  const audit = parseAuditDataString(o['AuditData'], 'AuditData');
  // Windows PowerShell 5.1 writes a DateTime as `{"value": "/Date(…)/", "DateTime": "<locale text>"}`.
  const created = isObj(o['CreationDate']) ? o['CreationDate']['value'] : o['CreationDate'];
  const createdText = typeof created === 'string' ? created.trim() : null;
  let tsUs: number | null = null;
  if (createdText) tsUs = parseIsoUs(createdText) ?? parseDotNetDateUs(createdText);
  let tsFrom = "CreationDate (the export's column)";
  if (tsUs === null && createdText && usDates) {
    tsUs = parseUsDateUs(createdText);
    tsFrom = "CreationDate (the export's column, read as a US month/day date)";
  }
  const ev = normalizeUal(audit, ctx, {
    tsUs,
    tsFrom,
    id: str(o['RecordId'] ?? o['Identity']),
    operation: str(o['Operations'] ?? o['Operation']),
    actor: str(o['UserIds'] ?? o['UserId']),
    recordType: o['RecordType'],
  });
  // The export's own columns (CreationDate as exported, admin units, result index, …), not empty ones.
  const columns: Obj = {};
  for (const [k, v] of Object.entries(o)) if (k !== 'AuditData' && v !== '' && v !== null && v !== undefined) columns[k] = v;
  (ev.attrs.fields ??= {})['export'] = columns;
  return ev;
}

/** Normalizes one JSON record; `format` decides records whose shape is not recognised. */
export function normalizeJsonRecord(record: Obj, format: FormatId, ctx: NormalizeContext): NormalizedEvent {
  // (The raw record stays as the SDK wrote it; the mappings read Graph's names.)
  const o = isGraphSdkObject(record) ? fromGraphSdk(record) : record;
  const kind = classifyJson(o) ?? DEFAULT_KIND[format] ?? null;
  if (kind === null) {
    const keys = Object.keys(o).slice(0, 8).join(', ');
    throw new RecordError(`not a recognised Microsoft 365 record (keys: ${keys}${Object.keys(o).length > 8 ? ', …' : ''})`);
  }
  switch (kind) {
    case 'ual':
      return normalizeUal(o, ctx);
    case 'ual-powershell':
      return normalizePowerShellUal(o, ctx, false);
    case 'graph-audit': {
      // (auditData as JSON text, as some tools save the records, is the same record.)
      const auditData = typeof o['auditData'] === 'string' ? parseAuditDataString(o['auditData'], 'auditData') : o['auditData'];
      const data = isObj(auditData) ? stripODataAnnotations(auditData) : {};
      return normalizeUal(data, ctx, {
        tsUs: typeof o['createdDateTime'] === 'string' ? parseIsoUs(o['createdDateTime']) : null,
        tsFrom: 'createdDateTime (the Graph auditLogRecord around auditData)',
        id: str(o['id']),
        operation: str(o['operation']),
        actor: str(o['userPrincipalName']),
        recordType: o['auditLogRecordType'],
        clientIp: str(o['clientIp']),
      });
    }
    case 'defender-cloudapp': {
      let raw = o['RawEventData'];
      if (typeof raw === 'string') raw = parseAuditDataString(raw, 'RawEventData');
      if (!isObj(raw) || Object.keys(raw).length === 0) {
        if (isCloudAppEventsRow(o)) return normalizeCloudAppEventsColumns(o, ctx);
        throw new RecordError(
          `Defender advanced-hunting row (ActionType ${JSON.stringify(o['ActionType'] ?? null)}) without RawEventData: not a Microsoft 365 audit record`,
        );
      }
      return normalizeUal(raw, ctx, {
        tsUs: typeof o['Timestamp'] === 'string' ? parseIsoUs(o['Timestamp']) : null,
        tsFrom: 'Timestamp (the advanced-hunting row around RawEventData)',
        operation: str(o['ActionType']),
      });
    }
    case 'office-activity':
      return normalizeUal(fromOfficeActivity(o), ctx);
    case 'signin':
      return normalizeSignin(o, ctx);
    case 'log-analytics-signin':
      return normalizeSignin(fromSigninLogsRow(o), ctx, { eventType: signInEventTypeOf(str(o['Type'] ?? o['Category'])) });
    case 'directory-audit':
      return normalizeDirectoryAudit(o, ctx);
    case 'log-analytics-audit':
      return normalizeDirectoryAudit(fromAuditLogsRow(o), ctx);
    case 'azure-monitor':
      return normalizeAzureMonitor(o, ctx);
    case 'activity':
      return normalizeActivity(o, ctx);
    case 'message-rule':
      return normalizeMessageRule(o, ctx);
    case 'mailbox-settings':
      return normalizeMailboxSettings(o, ctx);
    case 'oauth2-grant':
      return normalizeOAuth2Grant(o, ctx);
    case 'powershell-inbox-rule':
      return normalizePowerShellInboxRule(o, ctx);
    case 'panther': {
      const inner = o['log'];
      if (!isObj(inner)) throw new RecordError('Panther record has no log object');
      const log = canonicalizeKeys(inner);
      const innerKind = classifyJson(log);
      if (innerKind === null || innerKind === 'panther')
        throw new RecordError(`Panther log of type ${JSON.stringify(o['_panther_log_type'] ?? null)} is not a recognised record`);
      return normalizeJsonRecord(log, format, ctx);
    }
  }
}
