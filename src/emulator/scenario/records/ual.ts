/**
 * Unified audit log records (Management Activity API shape, reference §3): `CreationTime` without
 * a zone, Name/Value arrays with string values, `ClientIP` sometimes with a port, Exchange
 * `OriginatingServer` with a trailing CRLF, `AppAccessContext` for modern-auth sessions.
 */
import { ualTime } from '../../util/time';
import type { Tenant, User } from '../tenant';

/** A UAL record (plain JSON object). */
export type UalRecord = Record<string, unknown>;

/** Token context stamped on Exchange records of a modern-auth session. */
export interface TokenContext {
  sessionId: string;
  uti: string;
  issuedAt: number;
  clientAppId: string;
}

function base(t: Tenant, id: string, ms: number, op: string, rt: number, status: string, userKey: string, workload: string): UalRecord {
  return {
    CreationTime: ualTime(ms),
    Id: id,
    Operation: op,
    OrganizationId: t.tenantId,
    RecordType: rt,
    ResultStatus: status,
    UserKey: userKey,
    UserType: 0,
    Version: 1,
    Workload: workload,
  };
}

function exchangeMailbox(t: Tenant, u: User, ip: string, clientInfo: string): UalRecord {
  return {
    ClientIPAddress: ip,
    ClientInfoString: clientInfo,
    ExternalAccess: false,
    InternalLogonType: 0,
    LogonType: 0,
    LogonUserSid: u.sid,
    MailboxGuid: u.mailboxGuid,
    MailboxOwnerSid: u.sid,
    MailboxOwnerUPN: u.upn,
    OrganizationName: t.domain,
    OriginatingServer: `${t.server} (15.20.8207.017)\r\n`,
  };
}

function appAccess(tc: TokenContext | undefined): UalRecord {
  if (!tc) return {};
  return {
    AppAccessContext: {
      AADSessionId: tc.sessionId,
      APIId: '',
      ClientAppId: tc.clientAppId,
      IssuedAtTime: ualTime(tc.issuedAt),
      UniqueTokenId: tc.uti,
    },
  };
}

/** Strips a port for fields that never carry one. */
export function bareIp(ip: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (m) return m[1]!;
  return /^\d+\.\d+\.\d+\.\d+:\d+$/.test(ip) ? ip.slice(0, ip.lastIndexOf(':')) : ip;
}

/** `UserLoggedIn` / `UserLoginFailed` (RecordType 15, AzureActiveDirectoryStsLogon). */
export function ualLogon(
  t: Tenant,
  p: {
    id: string;
    ms: number;
    user: User;
    /** May carry a port. */
    clientIp: string;
    userAgent: string;
    appId: string;
    resourceId: string;
    sessionId: string;
    os: string;
    browserType: string;
    requestType: string;
    interSystemsId: string;
    success: boolean;
    deviceId?: string;
  },
): UalRecord {
  const r = base(
    t,
    p.id,
    p.ms,
    p.success ? 'UserLoggedIn' : 'UserLoginFailed',
    15,
    p.success ? 'Success' : 'Failed',
    p.user.objectId,
    'AzureActiveDirectory',
  );
  const device: { Name: string; Value: string }[] = [];
  if (p.deviceId) device.push({ Name: 'Id', Value: p.deviceId });
  device.push(
    { Name: 'OS', Value: p.os },
    { Name: 'BrowserType', Value: p.browserType },
    { Name: 'IsCompliantAndManaged', Value: p.deviceId ? 'True' : 'False' },
  );
  device.push({ Name: 'SessionId', Value: p.sessionId });
  Object.assign(r, {
    ClientIP: p.clientIp,
    ObjectId: p.resourceId,
    UserId: p.user.upn,
    AzureActiveDirectoryEventType: 1,
    ExtendedProperties: [
      { Name: 'ResultStatusDetail', Value: p.success ? 'Success' : 'UserError' },
      { Name: 'UserAgent', Value: p.userAgent },
      { Name: 'RequestType', Value: p.requestType },
      ...(p.success ? [{ Name: 'KeepMeSignedIn', Value: 'True' }] : []),
    ],
    ModifiedProperties: [],
    Actor: [
      { ID: p.user.objectId, Type: 0 },
      { ID: p.user.upn, Type: 5 },
      { ID: p.user.puid, Type: 3 },
    ],
    ActorContextId: t.tenantId,
    ActorIpAddress: bareIp(p.clientIp),
    InterSystemsId: p.interSystemsId,
    IntraSystemId: p.id,
    SupportTicketId: '',
    Target: [{ ID: p.resourceId, Type: 0 }],
    TargetContextId: t.tenantId,
    ApplicationId: p.appId,
    DeviceProperties: device,
    ErrorNumber: p.success ? '0' : '50126',
  });
  if (!p.success) r.LogonError = 'InvalidUserNameOrPassword';
  return r;
}

/** A folder as MailItemsAccessed lists it. */
export interface AccessedFolder {
  id: string;
  path: string;
  items?: { id: string; imid: string; size: number }[];
}

/** `MailItemsAccessed` (RecordType 50), Bind or Sync. */
export function ualMailItemsAccessed(
  t: Tenant,
  p: {
    id: string;
    ms: number;
    user: User;
    ip: string;
    clientInfo: string;
    appId: string;
    clientAppId: string;
    access: 'Bind' | 'Sync';
    throttled?: boolean;
    folders: AccessedFolder[];
    token?: TokenContext;
    sessionId: string;
  },
): UalRecord {
  const r = base(t, p.id, p.ms, 'MailItemsAccessed', 50, 'Succeeded', p.user.puid, 'Exchange');
  let count = 0;
  const folders = p.folders.map((f) => {
    if (!f.items) return { Id: f.id, Path: f.path };
    count += f.items.length;
    return { FolderItems: f.items.map((i) => ({ Id: i.id, InternetMessageId: i.imid, SizeInBytes: i.size })), Id: f.id, Path: f.path };
  });
  Object.assign(r, appAccess(p.token), {
    UserId: p.user.upn,
    AppId: p.appId,
    ClientAppId: p.clientAppId,
    ...exchangeMailbox(t, p.user, p.ip, p.clientInfo),
    OperationProperties: [
      { Name: 'MailAccessType', Value: p.access },
      { Name: 'IsThrottled', Value: p.throttled ? 'True' : 'False' },
    ],
    SessionId: p.sessionId,
    TokenObjectId: p.user.objectId,
    TokenTenantId: t.tenantId,
    Folders: folders,
    OperationCount: p.access === 'Sync' ? 1 : Math.max(1, count),
  });
  return r;
}

/** An item in mailbox audit records. */
export interface AuditItem {
  id: string;
  imid: string;
  subject: string;
  size: number;
  folderId: string;
  folderPath: string;
}

/** `Send` (RecordType 2). */
export function ualSend(
  t: Tenant,
  p: {
    id: string;
    ms: number;
    user: User;
    ip: string;
    clientInfo: string;
    appId: string;
    clientAppId: string;
    sessionId: string;
    token?: TokenContext;
    item: AuditItem;
    recipients: { address: string; name: string }[];
  },
): UalRecord {
  const r = base(t, p.id, p.ms, 'Send', 2, 'Succeeded', p.user.puid, 'Exchange');
  Object.assign(r, appAccess(p.token), {
    ClientIP: p.ip,
    UserId: p.user.upn,
    AppId: p.appId,
    ClientAppId: p.clientAppId,
    ...exchangeMailbox(t, p.user, bareIp(p.ip), p.clientInfo),
    SessionId: p.sessionId,
    TokenObjectId: p.user.objectId,
    TokenTenantId: t.tenantId,
    Item: {
      Id: p.item.id,
      InternetMessageId: p.item.imid,
      ParentFolder: { Id: p.item.folderId, Path: p.item.folderPath },
      SizeInBytes: p.item.size,
      Subject: p.item.subject,
    },
    SaveToSentItems: true,
    recipientCount: p.recipients.length,
    recipientList: p.recipients.map((x) => ({ Address: x.address, Name: x.name })),
  });
  return r;
}

/** `MoveToDeletedItems` / `SoftDelete` (RecordType 3). */
export function ualDeleteItems(
  t: Tenant,
  p: {
    id: string;
    ms: number;
    user: User;
    ip: string;
    clientInfo: string;
    op: 'MoveToDeletedItems' | 'SoftDelete';
    sessionId: string;
    token?: TokenContext;
    appId: string;
    items: AuditItem[];
    folder: { id: string; path: string };
    destFolder?: { id: string; path: string };
  },
): UalRecord {
  const r = base(t, p.id, p.ms, p.op, 3, 'Succeeded', p.user.puid, 'Exchange');
  Object.assign(r, appAccess(p.token), {
    ClientIP: p.ip,
    UserId: p.user.upn,
    AppId: p.appId,
    ...exchangeMailbox(t, p.user, bareIp(p.ip), p.clientInfo),
    SessionId: p.sessionId,
    AffectedItems: p.items.map((i) => ({
      Id: i.id,
      InternetMessageId: i.imid,
      ParentFolder: { Id: i.folderId, Path: i.folderPath },
      Subject: i.subject,
    })),
    CrossMailboxOperation: false,
    Folder: { Id: p.folder.id, Path: p.folder.path },
    ...(p.destFolder ? { DestFolder: { Id: p.destFolder.id, Path: p.destFolder.path } } : {}),
  });
  return r;
}

/** An Exchange admin cmdlet record (RecordType 1): `New-InboxRule`, `Set-Mailbox`, … */
export function ualCmdlet(
  t: Tenant,
  p: {
    id: string;
    ms: number;
    user: User;
    /** May carry a port. */
    clientIp: string;
    op: string;
    objectId: string;
    parameters: [string, string][];
    sessionId?: string;
    token?: TokenContext;
  },
): UalRecord {
  const r = base(t, p.id, p.ms, p.op, 1, 'True', p.user.puid, 'Exchange');
  Object.assign(r, {
    ClientIP: p.clientIp,
    ObjectId: p.objectId,
    UserId: p.user.upn,
    AppId: '00000002-0000-0ff1-ce00-000000000000',
    ClientAppId: '',
    ExternalAccess: false,
    OrganizationName: t.domain,
    OriginatingServer: `${t.server} (15.20.8207.017)`,
    Parameters: p.parameters.map(([Name, Value]) => ({ Name, Value })),
    ...(p.sessionId ? { SessionId: p.sessionId } : {}),
    ...appAccess(p.token),
  });
  return r;
}

/** The mailbox identity prefix Exchange puts in front of a rule name in `ObjectId`. */
export function ruleObjectId(t: Tenant, u: User, ruleName: string): string {
  return `NAMPR${String(10 + (t.seed % 9)).padStart(2, '0')}A004.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/${t.domain}/${u.objectId}\\${ruleName}`;
}

/** An Entra directory record (RecordType 8): `Update user.`, `Consent to application.`, … */
export function ualDirectory(
  t: Tenant,
  p: {
    id: string;
    ms: number;
    actor: User;
    op: string;
    objectId: string;
    clientIp?: string;
    userAgent: string;
    category: string;
    modified: [string, string, string][];
    target: { ID: string; Type: number }[];
    interSystemsId: string;
  },
): UalRecord {
  const r = base(t, p.id, p.ms, p.op, 8, 'Success', `${p.actor.puid}@${t.domain}`, 'AzureActiveDirectory');
  Object.assign(r, {
    ...(p.clientIp ? { ClientIP: p.clientIp } : {}),
    ObjectId: p.objectId,
    UserId: p.actor.upn,
    AzureActiveDirectoryEventType: 1,
    ExtendedProperties: [
      { Name: 'additionalDetails', Value: JSON.stringify({ 'User-Agent': p.userAgent }) },
      { Name: 'extendedAuditEventCategory', Value: p.category },
    ],
    ModifiedProperties: p.modified.map(([Name, NewValue, OldValue]) => ({ Name, NewValue, OldValue })),
    Actor: [
      { ID: p.actor.upn, Type: 5 },
      { ID: p.actor.puid, Type: 3 },
      { ID: `User_${p.actor.objectId}`, Type: 2 },
      { ID: p.actor.objectId, Type: 2 },
      { ID: 'User', Type: 2 },
    ],
    ActorContextId: t.tenantId,
    ActorIpAddress: p.clientIp ? bareIp(p.clientIp) : undefined,
    InterSystemsId: p.interSystemsId,
    IntraSystemId: p.id,
    SupportTicketId: '',
    Target: p.target,
    TargetContextId: t.tenantId,
  });
  if (r.ActorIpAddress === undefined) delete r.ActorIpAddress;
  return r;
}

/** Management Activity API content type of a record. */
export function contentTypeOf(recordType: number): 'Audit.Exchange' | 'Audit.AzureActiveDirectory' {
  return recordType === 8 || recordType === 9 || recordType === 15 ? 'Audit.AzureActiveDirectory' : 'Audit.Exchange';
}

/** Graph `auditLogRecordType` names (as live captures spell them) per RecordType used here. */
export const RECORD_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'ExchangeAdmin',
  2: 'ExchangeItem',
  3: 'ExchangeItemGroup',
  8: 'AzureActiveDirectory',
  15: 'AzureActiveDirectoryStsLogon',
  50: 'ExchangeItemAggregated',
};
