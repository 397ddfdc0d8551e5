/**
 * Point-in-time mailbox state → events at the time it was observed (the evidence's acquisition
 * time): Graph `messageRule`, `Get-InboxRule` objects, Graph `mailboxSettings`, Graph
 * `oAuth2PermissionGrant`. The record key includes a hash of the state, so the same state seen
 * again is a duplicate (its sighting records the later observation) and a changed state is a new
 * event.
 */
import { createHash } from 'node:crypto';
import type { NormalizedEvent } from '../../shared/model/event';
import { makeEvent, RecordError, type NormalizeContext } from './event';
import { ruleForwards, ruleFromGraph, ruleFromParameters, ruleSummary } from './rules';
import { clip, lower, obj, str, trimKeys, words, type Obj } from './values';

function stateHash(o: unknown): string {
  return createHash('sha256').update(JSON.stringify(o)).digest('hex').slice(0, 16);
}

function looksLikeUpn(s: string | null): s is string {
  return s !== null && /^[^\s@\\/]+@[^\s@\\/]+$/.test(s);
}

/** A Graph `messageRule`. */
export function normalizeMessageRule(input: Obj, ctx: NormalizeContext): NormalizedEvent {
  const r = trimKeys(input);
  const rule = ruleFromGraph(r);
  if (rule.id === null && rule.name === null) throw new RecordError('message rule has neither id nor displayName');
  const mailbox = ctx.mailbox;
  return makeEvent(
    {
      tsUs: ctx.observedAtUs,
      source: 'mailbox-state',
      operation: 'InboxRule',
      category: ruleForwards(rule) ? 'forwarding' : 'rule-change',
      summary: ruleSummary('Inbox rule', rule, mailbox),
      recordKey: `state:rule:${mailbox ?? ''}:${rule.id ?? rule.name}:${stateHash(r)}`,
      attrs: { rule, fields: { sequence: r['sequence'] ?? null, hasError: r['hasError'] ?? null, isReadOnly: r['isReadOnly'] ?? null } },
    },
    ctx,
    { recordType: 'messageRule', mailbox, actor: null, object: rule.name, result: null },
  );
}

/**
 * `ConvertTo-Json` writes `RuleIdentity`, a 64-bit integer, as a bare number, which `JSON.parse`
 * rounds (16752869479666417665 → 16752869479666418000): the digits are taken from the rule's
 * `Identity` (`mailbox\16752869479666417665`), or else the record's verbatim text, when they are
 * that number, so the id still matches the UAL records about the rule.
 */
function exactRuleIdentity(r: Obj, raw: string): Obj {
  const id = r['RuleIdentity'];
  if (typeof id !== 'number' || Number.isSafeInteger(id)) return r;
  const candidates = [/\\(\d+)$/.exec(str(r['Identity']) ?? '')?.[1], /"RuleIdentity"\s*:\s*(\d+)/.exec(raw)?.[1]];
  const digits = candidates.find((d) => d !== undefined && Number(d) === id);
  return digits !== undefined ? { ...r, RuleIdentity: digits } : r;
}

/** A `Get-InboxRule | ConvertTo-Json` object. */
export function normalizePowerShellInboxRule(input: Obj, ctx: NormalizeContext): NormalizedEvent {
  const r = exactRuleIdentity(trimKeys(input), ctx.raw);
  const rule = ruleFromParameters('snapshot', r);
  if (rule.name === null && rule.id === null) throw new RecordError('inbox rule has neither Name nor Identity');
  const identity = str(r['Identity']);
  const owner = lower(r['MailboxOwnerId']);
  const fromIdentity = identity ? lower(identity.split('\\')[0]) : null;
  const mailbox = ctx.mailbox ?? (looksLikeUpn(owner) ? owner : looksLikeUpn(fromIdentity) ? fromIdentity : null);
  const fields: Obj = {};
  for (const k of ['Priority', 'Description', 'MailboxOwnerId', 'InError', 'ErrorType', 'SupportedByTask'])
    if (r[k] !== undefined && r[k] !== null) fields[k] = r[k];
  return makeEvent(
    {
      tsUs: ctx.observedAtUs,
      source: 'mailbox-state',
      operation: 'InboxRule',
      category: ruleForwards(rule) ? 'forwarding' : 'rule-change',
      summary: ruleSummary('Inbox rule', rule, mailbox ?? owner),
      recordKey: `state:rule:${mailbox ?? owner ?? ''}:${rule.id ?? rule.name}:${stateHash(r)}`,
      attrs: { rule, fields },
    },
    ctx,
    { recordType: 'Get-InboxRule', mailbox, object: rule.name },
  );
}

/** A Graph `mailboxSettings` object. */
export function normalizeMailboxSettings(input: Obj, ctx: NormalizeContext): NormalizedEvent {
  const r = trimKeys(input);
  const auto = obj(r['automaticRepliesSetting']) ?? {};
  const status = str(auto['status']);
  const mailbox = ctx.mailbox ?? mailboxFromODataContext(r['@odata.context']) ?? lower(r['userPrincipalName']);
  const parts: string[] = [];
  if (status !== null) parts.push(`automatic replies ${status}`);
  const ext = str(auto['externalReplyMessage']);
  if (ext !== null && status !== 'disabled') parts.push(`external reply "${clip(ext.replace(/<[^>]+>/g, ' '), 60)}"`);
  const tz = str(r['timeZone']);
  if (tz !== null) parts.push(`time zone ${tz}`);
  const fields: Obj = { ...r };
  delete fields['@odata.context'];
  return makeEvent(
    {
      tsUs: ctx.observedAtUs,
      source: 'mailbox-state',
      operation: 'MailboxSettings',
      category: 'other',
      summary: `Mailbox settings${mailbox ? ` of ${mailbox}` : ''}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`,
      recordKey: `state:mailboxSettings:${mailbox ?? ''}:${stateHash(fields)}`,
      attrs: { fields },
    },
    ctx,
    { recordType: 'mailboxSettings', mailbox, object: status },
  );
}

/** A Graph `oAuth2PermissionGrant` (delegated consent). */
export function normalizeOAuth2Grant(input: Obj, ctx: NormalizeContext): NormalizedEvent {
  const r = trimKeys(input);
  const id = str(r['id']);
  const clientId = str(r['clientId']);
  if (id === null && clientId === null) throw new RecordError('grant has neither id nor clientId');
  const scopes = words(str(r['scope'])?.replace(/\s+/g, ';') ?? '');
  const consentType = str(r['consentType']);
  const principal = str(r['principalId']);
  const who = consentType === 'AllPrincipals' ? 'all users (admin consent)' : principal ? `user ${principal}` : 'one user';
  return makeEvent(
    {
      tsUs: ctx.observedAtUs,
      source: 'mailbox-state',
      operation: 'OAuth2PermissionGrant',
      category: 'consent',
      summary: `Delegated grant to client ${clientId ?? '?'} for ${who}: ${clip(scopes.join(' ') || '(no scopes)', 120)}`,
      recordKey: `state:grant:${id ?? clientId}:${stateHash(r)}`,
      attrs: {
        consent: { appId: clientId, appName: null, scopes, isAdminConsent: consentType === 'AllPrincipals', consentType },
        fields: { principalId: principal, resourceId: r['resourceId'] ?? null, clientId },
      },
    },
    ctx,
    { recordType: 'oAuth2PermissionGrant', mailbox: ctx.mailbox, appId: clientId, object: clientId },
  );
}

/** True for a Graph `messageRule` shape. */
export function isMessageRule(o: Obj): boolean {
  return 'displayName' in o && ('actions' in o || 'conditions' in o) && ('sequence' in o || 'isEnabled' in o);
}

/** True for a `Get-InboxRule` object. */
export function isPowerShellInboxRule(o: Obj): boolean {
  return ('RuleIdentity' in o || 'MailboxOwnerId' in o) && 'Name' in o && ('Enabled' in o || 'Priority' in o);
}

/** True for a Graph `mailboxSettings` object. */
export function isMailboxSettings(o: Obj): boolean {
  return 'automaticRepliesSetting' in o || ('archiveFolder' in o && 'timeZone' in o) || ('workingHours' in o && 'language' in o);
}

/** True for an `oAuth2PermissionGrant`. */
export function isOAuth2Grant(o: Obj): boolean {
  return 'clientId' in o && 'consentType' in o && ('scope' in o || 'resourceId' in o);
}

/** The mailbox named in a Graph `@odata.context` (`…/users('ceo%40contoso.com')/mailFolders('inbox')/messageRules`). */
export function mailboxFromODataContext(ctx: unknown): string | null {
  const s = str(ctx);
  if (s === null) return null;
  const m = /users\('([^']+)'\)/i.exec(s) ?? /users\/([^/$]+)\//i.exec(s);
  if (!m) return null;
  let v: string;
  try {
    v = decodeURIComponent(m[1]!);
  } catch {
    v = m[1]!;
  }
  return v.includes('@') ? v.toLowerCase() : null;
}
