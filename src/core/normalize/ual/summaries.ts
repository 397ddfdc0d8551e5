/**
 * Summaries for UAL operations whose meaning sits in operation-specific fields (reference §3 and
 * the public samples): Entra directory changes (role and group membership, `Update …`, app
 * registrations), Security & Compliance alerts, Exchange item operations, Defender threat
 * intelligence, quarantine releases and sensitivity labels; and who acted on a mailbox when it
 * was not its owner. Each `…Summary` returns the line and, where the record names one, a better
 * `object` and decoded fields; `null` leaves the record to the default summary.
 */
import type { Modified } from '../consent';
import { changedPropertyNames, changesText, MEMBERSHIP_OP, modifiedText } from '../entra-changes';
import { arr, clip, first, int, isObj, lower, obj, q, str, words, type Obj } from '../values';

/** A summary line, the object it is about when better than `ObjectId`, and fields to add to `attrs.fields`. */
export interface Described {
  summary: string;
  object?: string | null;
  fields?: Obj;
}

const GUID_START = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** `\Inbox` → `Inbox`, as every mailbox summary names folders. */
export function folderName(path: string | null): string | null {
  if (path === null) return null;
  const p = path.replace(/^\\+/, '');
  return p.length > 0 ? p : path;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------
// Who acted on a mailbox

/** `LogonType` (§3.3) of someone other than the owner: 1 Admin, 2 Delegated, 6 DelegatedAdmin. */
function logonRole(logonType: unknown): string | null {
  const n = int(logonType);
  const name = n === null ? lower(logonType) : null;
  if (n === 1 || name === 'admin') return 'admin';
  if (n === 2 || name === 'delegated' || name === 'delegate') return 'delegate';
  if (n === 6 || name === 'delegatedadmin') return 'delegated admin';
  return null;
}

/**
 * Who acted, when it was not the mailbox's owner: `user1 (delegate)`, `admin@x.com (admin)`,
 * `admin@x.com`; else `null`. Without a known mailbox only a non-owner `LogonType` says so: the
 * actor of an owner's record is the owner and naming them would only repeat the mailbox.
 */
export function nonOwnerActor(actor: string | null, mailbox: string | null, logonType: unknown): string | null {
  if (actor === null || actor === mailbox || isOwnerLogon(logonType)) return null;
  const role = logonRole(logonType);
  // The owner under another of the tenant's domains (homer@x.com on homer@x.onmicrosoft.com) is
  // not someone else: without a LogonType saying otherwise, the same alias is the owner.
  if (role === null && (mailbox === null || alias(actor) === alias(mailbox))) return null;
  return role !== null ? `${actor} (${role})` : actor;
}

/** `LogonType` 0 (Owner), as a number or its name. */
function isOwnerLogon(logonType: unknown): boolean {
  const n = int(logonType);
  return n === 0 || (n === null && lower(logonType) === 'owner');
}

/** The part of an address before `@`. */
function alias(address: string): string {
  const at = address.indexOf('@');
  return at < 0 ? address : address.slice(0, at);
}

/** ` on owner@x.com by user1 (delegate)` for a mailbox summary, `` when the owner acted. */
export function onBehalf(actor: string | null, mailbox: string | null, logonType: unknown): string {
  const by = nonOwnerActor(actor, mailbox, logonType);
  if (by === null) return '';
  return `${mailbox !== null ? ` on ${mailbox}` : ''} by ${by}`;
}

// ---------------------------------------------------------------------------------------------
// Entra (AzureActiveDirectory, RecordType 8)

/** The first `Target[]` (or `Actor[]`) entry of identity type `type` (§3.5: 1 Name, 5 UPN). */
export function targetOfType(r: Obj, type: number, key: 'Target' | 'Actor' = 'Target'): string | null {
  for (const t of arr(r[key])) if (isObj(t) && int(t['Type']) === type) return str(t['ID']);
  return null;
}

/** The name `Target[]` gives the object (type 1), as consent and app records name the app. */
export function targetName(r: Obj): string | null {
  return targetOfType(r, 1);
}

function newOrOld(mp: Modified, name: string): string | null {
  const p = mp[name];
  return p === undefined ? null : (modifiedText(p.new) ?? modifiedText(p.old));
}

/** ObjectId without the `Not Available` AAD writes when it has none. */
function objectId(r: Obj): string | null {
  const s = str(r['ObjectId']);
  return s === null || s.toLowerCase() === 'not available' ? null : s;
}

const APP_OP = /\b(?:application|service principal)\b/i;

function tail(actor: string | null, from: string): string {
  return `${actor ? ` by ${actor}` : ''}${from}`;
}

/** `Add member to role. "Global Administrator": john.doe@example.com by user1`. */
function membershipSummary(operation: string, kind: string, r: Obj, mp: Modified, actor: string | null, from: string): Described {
  const isRole = kind.toLowerCase() === 'role';
  const container = newOrOld(mp, isRole ? 'Role.DisplayName' : 'Group.DisplayName');
  const member = objectId(r) ?? targetOfType(r, 5) ?? targetName(r);
  const what = `${container !== null ? ` ${q(container)}` : ''}${member !== null ? `: ${clip(member, 100)}` : ''}`;
  // `fields.role` / `fields.group` as the directory-audit normalizer sets them, so either source can be searched alike.
  const fields = container !== null ? { [isRole ? 'role' : 'group']: container } : {};
  return { summary: `${operation}${what}${tail(actor, from)}`, object: member, fields };
}

/**
 * The object an AAD record is about: a user's UPN, else the name Target or DisplayName gives it,
 * else ObjectId. For an app record the name comes first: a user listed beside the app (an owner
 * added to it) is not what the record is about.
 */
function aadTarget(r: Obj, mp: Modified, isApp: boolean): { label: string; object: string } | null {
  const upn = targetOfType(r, 5);
  const name = targetName(r) ?? newOrOld(mp, 'DisplayName');
  if (upn !== null && !(isApp && name !== null)) return { label: upn, object: upn };
  if (name !== null) return { label: q(name), object: name };
  const id = objectId(r);
  return id !== null ? { label: clip(id, 100), object: id } : null;
}

/**
 * Entra directory changes in the UAL: role and group membership name the role or group
 * (`Role.DisplayName`, `Group.DisplayName`), `Update …` records the properties they changed (an MFA
 * method change, `StrongAuthenticationMethod`, is BEC persistence), app and service principal
 * records the app by name and id. `null` for the other operations.
 */
export function aadSummary(operation: string, r: Obj, mp: Modified, ext: Obj, actor: string | null, from: string): Described | null {
  const membership = MEMBERSHIP_OP.exec(operation);
  if (membership) return membershipSummary(operation, membership[1]!, r, mp, actor, from);
  const isUpdate = /^update\b/i.test(operation);
  const isApp = APP_OP.test(operation);
  if (!isUpdate && !isApp) return null;
  const target = aadTarget(r, mp, isApp);
  const appId = isApp ? first(obj(ext['additionalDetails'])?.['AppId'], newOrOld(mp, 'AppId'), newOrOld(mp, 'AppPrincipalId')) : null;
  const idText = appId !== null && appId !== target?.object ? ` (${appId})` : '';
  let summary = `${operation}${target ? ` ${target.label}` : ''}${idText}${tail(actor, from)}`;
  if (isUpdate) {
    const changed = changedPropertyNames(mp);
    // Directory sync rewrites users all day: worth telling apart from a change made by a person.
    const client = newOrOld(mp, 'Action Client Name');
    if (changed.length > 0) summary += `: ${changesText(changed)}`;
    if (client !== null) summary += ` (via ${client})`;
  }
  return { summary, object: target?.object ?? null };
}

// ---------------------------------------------------------------------------------------------
// Security & Compliance alerts (RecordType 40)

/**
 * The user an alert is about, from its `Data` (keys as the samples write them: `f3u` the user of
 * a DLP or activity alert, `eid` of a `User` entity, `trc` a message's recipient, `suid` whoever
 * submitted it), else a UPN `ObjectId`.
 */
function alertUser(data: Obj, r: Obj): string | null {
  const entityUser = str(data['etype'])?.toLowerCase() === 'user' ? data['eid'] : null;
  const objectUpn = str(r['ObjectId'])?.includes('@') ? r['ObjectId'] : null;
  return lower(first(data['f3u'], entityUser, data['trc'], objectUpn, data['suid']));
}

/** The entity an `AlertEntityGenerated` adds, beside its user: a URL, the sender of a message. */
function alertEntity(data: Obj, user: string | null): string[] {
  const parts: string[] = [];
  const etype = str(data['etype']);
  const eid = str(data['eid']);
  if (etype !== null && etype.toLowerCase() !== 'user') {
    const shown = eid !== null && eid.toLowerCase() !== user && !GUID_START.test(eid) ? ` ${clip(eid, 80)}` : '';
    parts.push(`${etype}${shown}`);
  }
  const sender = lower(first(data['tsd'], data['mfrm']));
  if (sender !== null && sender.includes('@') && sender !== user) parts.push(`sender ${sender}`);
  return parts;
}

/**
 * `AlertTriggered "Creation of forwarding/redirect rule" (medium, active) for user@x.com`: the
 * alert's `Name`, `Severity`, `Status` and the user from its JSON `Data` (kept decoded as
 * `fields.Data`), instead of the service account that logged it and the alert's GUID.
 */
export function alertSummary(operation: string, r: Obj): Described {
  const data = obj(r['Data']) ?? {};
  const name = first(r['Name'], data['an']);
  const state = [lower(first(r['Severity'], data['sev'])), lower(r['Status'])].filter((x): x is string => x !== null);
  const user = alertUser(data, r);
  const entity = alertEntity(data, user);
  const summary =
    `${operation}${name !== null ? ` ${q(name)}` : ''}${state.length > 0 ? ` (${state.join(', ')})` : ''}` +
    `${user !== null ? ` for ${user}` : ''}${entity.length > 0 ? `: ${clip(entity.join(', '), 120)}` : ''}`;
  // The object stays what the record names (an entity's URL or user) unless that is only the alert's GUID.
  const objectId = str(r['ObjectId']);
  const object = objectId !== null && !GUID_START.test(objectId) ? objectId : name;
  return { summary, object, fields: Object.keys(data).length > 0 ? { Data: data } : {} };
}

// ---------------------------------------------------------------------------------------------
// Exchange item operations (RecordType 2/3)

/**
 * `Create "Subject" in Drafts from 1.2.3.4`, `Update "Subject" in Drafts (3 properties changed)`,
 * `Move of 2 items from Inbox to Archive ("a", "b")`: the subject, folder and message id a
 * `Create`/`Update`/`Copy`/`Move` record carries in `Item`, or in `AffectedItems` with `Folder`
 * and `DestFolder` for the multi-item form. `by` is {@link onBehalf}'s text.
 */
export function itemSummary(operation: string, r: Obj, by: string, from: string): Described {
  const affected = arr(r['AffectedItems']).filter(isObj);
  if (affected.length > 0) return groupItemSummary(operation, r, affected, by, from);
  const item = obj(r['Item']) ?? {};
  const subject = str(item['Subject']);
  const folder = folderName(str(obj(item['ParentFolder'])?.['Path']));
  const messageId = str(item['InternetMessageId']);
  const changed = arr(r['ModifiedProperties']).filter((x) => typeof x === 'string').length;
  const summary =
    `${operation}${subject !== null ? ` ${q(subject)}` : ''}${folder !== null ? ` in ${folder}` : ''}` +
    `${changed > 0 ? ` (${changed} propert${changed === 1 ? 'y' : 'ies'} changed)` : ''}${by}${from}`;
  return { summary, object: subject ?? messageId, fields: messageId !== null ? { InternetMessageId: messageId } : {} };
}

function groupItemSummary(operation: string, r: Obj, items: Obj[], by: string, from: string): Described {
  const subjects = items.map((x) => str(x['Subject'])).filter((x): x is string => x !== null);
  const source = folderName(str(obj(r['Folder'])?.['Path']) ?? str(obj(items[0]!['ParentFolder'])?.['Path']));
  const dest = folderName(str(obj(r['DestFolder'])?.['Path']));
  const destMailbox = lower(r['DestMailboxOwnerUPN']);
  const to = dest !== null || destMailbox !== null ? ` to ${[destMailbox, dest].filter((x) => x !== null).join(' ')}` : '';
  const listed = subjects.length > 0 ? ` (${clip(subjects.map((s) => `"${s}"`).join(', '), 80)})` : '';
  const messageIds = items.map((x) => str(x['InternetMessageId'])).filter((x): x is string => x !== null);
  return {
    summary: `${operation} of ${plural(items.length, 'item')}${source !== null ? ` from ${source}` : ''}${to}${listed}${by}${from}`,
    object: subjects[0] ?? messageIds[0] ?? null,
    fields: messageIds.length === 1 ? { InternetMessageId: messageIds[0] } : {},
  };
}

// ---------------------------------------------------------------------------------------------
// Threat intelligence, quarantine, sensitivity labels

/** `prvs=0000000000=human@sender.com` (a BATV-tagged envelope sender) → `human@sender.com`. */
function envelopeSender(v: unknown): string | null {
  const s = lower(v);
  return s === null ? null : s.replace(/^prvs=[^=]+=/, '');
}

function addresses(v: unknown): string[] {
  return words(v).map((a) => a.toLowerCase());
}

/** `TIUrlClickData "https://…" by user1 in Mail from 1.2.3.4` (Safe Links click; `UserIp` is the event's client IP). */
export function urlClickSummary(operation: string, r: Obj, actor: string | null, from: string): Described {
  const url = str(r['Url']);
  const app = str(r['AppName']);
  return {
    summary: `${operation}${url !== null ? ` ${q(url)}` : ''}${actor ? ` by ${actor}` : ''}${app !== null ? ` in ${app}` : ''}${from}`,
    object: url,
  };
}

/** `TIMailData Malware "Subject" from sender@x.com to user@y.com: Blocked` (Defender detection on a message). */
export function mailDataSummary(operation: string, r: Obj): Described {
  const verdict = str(r['Verdict']);
  const subject = str(r['Subject']);
  const sender = envelopeSender(r['P1Sender']);
  const to = addresses(r['Recipients']);
  const action = str(r['DeliveryAction']);
  const messageId = str(r['InternetMessageId']);
  const summary =
    `${operation}${verdict !== null ? ` ${verdict}` : ''}${subject !== null ? ` ${q(subject)}` : ''}` +
    `${sender !== null ? ` from ${sender}` : ''}${to.length > 0 ? ` to ${clip(to.join(', '), 80)}` : ''}${action !== null ? `: ${action}` : ''}`;
  return { summary, object: subject ?? messageId, fields: messageId !== null ? { InternetMessageId: messageId } : {} };
}

/** `QuarantineReleaseMessage to rob@x.com by admin@x.com`: who a quarantined message was released to. */
export function quarantineReleaseSummary(operation: string, r: Obj, actor: string | null): Described {
  const to = addresses(r['ReleaseTo']);
  return {
    summary: `${operation}${to.length > 0 ? ` to ${clip(to.join(', '), 80)}` : ''}${actor ? ` by ${actor}` : ''}`,
    object: str(r['ObjectId']) ?? str(r['NetworkMessageId']),
  };
}

/** The sensitivity label a DLP-style MipLabel record (RecordType 13) matched, from `PolicyDetails[].Rules[]`. */
function matchedLabel(r: Obj): string | null {
  for (const policy of arr(r['PolicyDetails'])) {
    for (const rule of isObj(policy) ? arr(policy['Rules']) : []) {
      if (!isObj(rule)) continue;
      for (const c of arr(obj(rule['ConditionsMatched'])?.['OtherConditions'])) {
        if (isObj(c) && str(c['Name']) === 'SensitivityLabels') return str(c['Value']);
      }
    }
  }
  return null;
}

/**
 * `MipLabel "Public" on "Contest" from alexw@x.com to debrab@x.com`: the label and the message
 * it is on, from `ExchangeMetaData` (RecordType 13) or `LabelName`/`ItemName`/`Sender`/`Receivers` (43).
 */
export function mipLabelSummary(operation: string, r: Obj): Described {
  const meta = obj(r['ExchangeMetaData']) ?? {};
  const label = first(r['LabelName'], matchedLabel(r));
  const action = str(r['LabelAction']);
  const subject = first(meta['Subject'], r['ItemName']);
  const sender = lower(first(meta['From'], r['Sender']));
  const to = addresses(meta['To'] ?? r['Receivers']);
  const messageId = str(meta['MessageID']);
  const summary =
    `${operation}${label !== null ? ` ${q(label)}` : ''}${action !== null && action !== 'None' ? ` (${action})` : ''}` +
    `${subject !== null ? ` on ${q(subject)}` : ''}${sender !== null ? ` from ${sender}` : ''}${to.length > 0 ? ` to ${clip(to.join(', '), 80)}` : ''}`;
  return { summary, fields: messageId !== null ? { InternetMessageId: messageId } : {} };
}
