/**
 * Inbox rules from every source into one {@link RuleAttrs} shape, and their one-line summary:
 * UAL `New-/Set-/Remove-/Enable-/Disable-InboxRule` `Parameters`, UAL `UpdateInboxRules`
 * `OperationProperties`, Graph `messageRule`, and `Get-InboxRule | ConvertTo-Json` objects.
 */
import type { RuleAttrs } from '../../shared/model/attrs';
import { arr, bool, clip, decodeJsonString, isObj, str, type Obj } from './values';

type Conditions = RuleAttrs['conditions'];

/** Splits an Exchange multi-valued parameter (`a;b`) or an array; quotes around items removed. */
function list(v: unknown): string[] {
  const d = decodeJsonString(v);
  const items = Array.isArray(d) ? d : typeof d === 'string' ? d.split(';') : d === null || d === undefined ? [] : [d];
  const out: string[] = [];
  for (const item of items) {
    let s = isObj(item) ? recipient(item) : str(item);
    if (s === null) continue;
    if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) s = s.slice(1, -1);
    if (s.length > 0) out.push(s);
  }
  return out;
}

/** An address from a Graph recipient, an Exchange display form (`"Evil" [SMTP:evil@x.com]`), or text. */
function recipient(v: unknown): string | null {
  if (isObj(v)) {
    const ea = isObj(v['emailAddress']) ? v['emailAddress'] : v;
    return str(ea['address'] ?? ea['Address'] ?? ea['name'] ?? ea['Name']);
  }
  const s = str(v);
  if (s === null) return null;
  const m = /\[(?:SMTP|smtp|EX|ex):([^\]]+)\]/.exec(s);
  return (m ? m[1]! : s).trim();
}

function recipients(v: unknown): string[] {
  const d = decodeJsonString(v);
  if (Array.isArray(d))
    return d
      .map(recipient)
      .filter((x): x is string => x !== null)
      .map((x) => x.toLowerCase());
  if (isObj(d)) {
    const r = recipient(d);
    return r ? [r.toLowerCase()] : [];
  }
  return list(d).map((x) => (recipient(x) ?? x).toLowerCase());
}

function setIf<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined | null): void {
  if (v === undefined || v === null) return;
  if (Array.isArray(v) && v.length === 0) return;
  o[k] = v;
}

function conditionsFrom(p: Obj, prefix: '' | 'ExceptIf'): Conditions {
  const c: Conditions = {};
  setIf(c, 'subjectContainsWords', list(p[`${prefix}SubjectContainsWords`]));
  setIf(c, 'bodyContainsWords', list(p[`${prefix}BodyContainsWords`]));
  setIf(c, 'subjectOrBodyContainsWords', list(p[`${prefix}SubjectOrBodyContainsWords`]));
  setIf(c, 'fromAddressContainsWords', list(p[`${prefix}FromAddressContainsWords`]));
  setIf(c, 'from', recipients(p[`${prefix}From`]));
  setIf(c, 'headerContainsWords', list(p[`${prefix}HeaderContainsWords`]));
  setIf(c, 'sentTo', recipients(p[`${prefix}SentTo`]));
  return c;
}

function folder(v: unknown): string | undefined {
  const s = str(v);
  return s ?? undefined;
}

/** A rule from Exchange cmdlet parameters (UAL `Parameters`, or `Get-InboxRule` properties). */
export function ruleFromParameters(operation: RuleAttrs['operation'], p: Obj, enabledOverride?: boolean): RuleAttrs {
  const actions: RuleAttrs['actions'] = {};
  setIf(actions, 'moveToFolder', folder(p['MoveToFolder']));
  setIf(actions, 'copyToFolder', folder(p['CopyToFolder']));
  setIf(actions, 'delete', bool(p['DeleteMessage']) ?? undefined);
  setIf(actions, 'softDelete', bool(p['SoftDeleteMessage']) ?? undefined);
  setIf(actions, 'markAsRead', bool(p['MarkAsRead']) ?? undefined);
  setIf(actions, 'stopProcessingRules', bool(p['StopProcessingRules']) ?? undefined);
  setIf(actions, 'forwardTo', recipients(p['ForwardTo']));
  setIf(actions, 'forwardAsAttachmentTo', recipients(p['ForwardAsAttachmentTo']));
  setIf(actions, 'redirectTo', recipients(p['RedirectTo']));
  return {
    operation,
    name: str(p['Name']) ?? null,
    id: str(p['RuleIdentity'] ?? p['Identity']) ?? null,
    enabled: enabledOverride ?? bool(p['Enabled']),
    conditions: conditionsFrom(p, ''),
    exceptions: conditionsFrom(p, 'ExceptIf'),
    actions,
  };
}

/** A rule from UAL `UpdateInboxRules` `OperationProperties` (Outlook / EWS / MAPI made). */
export function ruleFromUpdateInboxRules(p: Obj): RuleAttrs {
  const op = str(p['RuleOperation']);
  const operation: RuleAttrs['operation'] = op === 'AddMailboxRule' ? 'create' : op === 'RemoveMailboxRule' ? 'remove' : 'modify';
  const state = str(p['RuleState']);
  const actions: RuleAttrs['actions'] = {};
  for (const a of arr(p['RuleActions'])) {
    if (!isObj(a)) continue;
    const type = str(a['ActionType']);
    const to = recipients(a['Recipients']);
    switch (type) {
      case 'Forward':
        actions.forwardTo = [...(actions.forwardTo ?? []), ...to];
        if (str(a['ForwardFlags'])?.includes('AsAttachment')) {
          actions.forwardAsAttachmentTo = [...(actions.forwardAsAttachmentTo ?? []), ...to];
          actions.forwardTo = actions.forwardTo.filter((x) => !to.includes(x));
        }
        break;
      case 'Redirect':
        actions.redirectTo = [...(actions.redirectTo ?? []), ...to];
        break;
      case 'Move':
        actions.moveToFolder = str(a['DestinationFolderPath'] ?? a['DestinationFolderId'] ?? a['FolderId']) ?? 'folder';
        break;
      case 'Copy':
        actions.copyToFolder = str(a['DestinationFolderPath'] ?? a['DestinationFolderId'] ?? a['FolderId']) ?? 'folder';
        break;
      case 'Delete':
        actions.delete = true;
        break;
      case 'PermanentDelete':
        actions.permanentDelete = true;
        break;
      case 'MarkAsRead':
        actions.markAsRead = true;
        break;
      default:
        break;
    }
  }
  if (state?.includes('ExitAfterExecution')) actions.stopProcessingRules = true;
  const raw = str(p['RuleCondition']);
  return {
    operation,
    name: str(p['RuleName']),
    id: str(p['RuleId']),
    enabled: state === null ? null : /(^|,\s*)Enabled\b/.test(state),
    conditions: raw ? { raw } : {},
    exceptions: {},
    actions,
  };
}

/** `RuleActions` types {@link ruleFromUpdateInboxRules} reads into `RuleAttrs.actions`. */
const DECODED_RULE_ACTIONS = new Set(['Forward', 'Redirect', 'Move', 'Copy', 'Delete', 'PermanentDelete', 'MarkAsRead']);

/**
 * The `UpdateInboxRules` `RuleActions` that `RuleAttrs` has no place for, described for a summary:
 * `client-side action (DeferAction)` for the action Outlook runs itself (its effect is in a blob
 * the log omits), `other action (Reply)` / `other action (Delegate: a@x.com)` for the rest.
 * Without them a rule whose only logged action is deferred reads as doing nothing but "stop
 * processing rules".
 */
export function otherRuleActions(p: Obj): string[] {
  const out: string[] = [];
  for (const a of arr(p['RuleActions'])) {
    if (!isObj(a)) continue;
    const type = str(a['ActionType']) ?? 'unknown';
    if (DECODED_RULE_ACTIONS.has(type)) continue;
    if (type === 'DeferAction') {
      out.push('client-side action (DeferAction)');
      continue;
    }
    const to = recipients(a['Recipients']);
    out.push(`other action (${type}${to.length > 0 ? `: ${clip(to.join(', '), 80)}` : ''})`);
  }
  return [...new Set(out)];
}

function graphConditions(c: unknown): Conditions {
  const out: Conditions = {};
  if (!isObj(c)) return out;
  setIf(out, 'subjectContainsWords', list(c['subjectContains']));
  setIf(out, 'bodyContainsWords', list(c['bodyContains']));
  setIf(out, 'subjectOrBodyContainsWords', list(c['bodyOrSubjectContains']));
  setIf(out, 'fromAddressContainsWords', list(c['senderContains']));
  setIf(out, 'from', recipients(c['fromAddresses']));
  setIf(out, 'headerContainsWords', list(c['headerContains']));
  setIf(out, 'sentTo', recipients(c['sentToAddresses']));
  return out;
}

/** A rule from a Graph `messageRule` (state snapshot). */
export function ruleFromGraph(r: Obj): RuleAttrs {
  const a = isObj(r['actions']) ? r['actions'] : {};
  const actions: RuleAttrs['actions'] = {};
  setIf(actions, 'moveToFolder', folder(a['moveToFolder']));
  setIf(actions, 'copyToFolder', folder(a['copyToFolder']));
  setIf(actions, 'delete', bool(a['delete']) ?? undefined);
  setIf(actions, 'permanentDelete', bool(a['permanentDelete']) ?? undefined);
  setIf(actions, 'markAsRead', bool(a['markAsRead']) ?? undefined);
  setIf(actions, 'stopProcessingRules', bool(a['stopProcessingRules']) ?? undefined);
  setIf(actions, 'forwardTo', recipients(a['forwardTo']));
  setIf(actions, 'forwardAsAttachmentTo', recipients(a['forwardAsAttachmentTo']));
  setIf(actions, 'redirectTo', recipients(a['redirectTo']));
  return {
    operation: 'snapshot',
    name: str(r['displayName']),
    id: str(r['id']),
    enabled: bool(r['isEnabled']),
    conditions: graphConditions(r['conditions']),
    exceptions: graphConditions(r['exceptions']),
    actions,
  };
}

/** A folder path as shown in a summary: `MailboxID:\RSS Feeds` → `RSS Feeds`. */
export function folderLabel(f: string): string {
  const afterColon = f.includes(':\\') ? f.slice(f.indexOf(':\\') + 2) : f;
  return afterColon.replace(/^\\+/, '') || f;
}

function quoted(ws: string[]): string {
  return ws.map((w) => `"${clip(w, 40)}"`).join(' or ');
}

function describeConditions(c: Conditions): string[] {
  const parts: string[] = [];
  if (c.subjectContainsWords) parts.push(`subject contains ${quoted(c.subjectContainsWords)}`);
  if (c.bodyContainsWords) parts.push(`body contains ${quoted(c.bodyContainsWords)}`);
  if (c.subjectOrBodyContainsWords) parts.push(`subject or body contains ${quoted(c.subjectOrBodyContainsWords)}`);
  if (c.fromAddressContainsWords) parts.push(`sender address contains ${quoted(c.fromAddressContainsWords)}`);
  if (c.from) parts.push(`from ${c.from.join(', ')}`);
  if (c.headerContainsWords) parts.push(`header contains ${quoted(c.headerContainsWords)}`);
  if (c.sentTo) parts.push(`sent to ${c.sentTo.join(', ')}`);
  if (c.raw) parts.push(`condition ${clip(c.raw, 80)}`);
  return parts;
}

/**
 * `move to RSS Feeds, mark as read, when subject contains "invoice"`. `otherActions` are phrases
 * for actions `RuleAttrs` cannot hold ({@link otherRuleActions}), listed after the known ones.
 */
export function describeRule(rule: RuleAttrs, otherActions: readonly string[] = []): string {
  const a = rule.actions;
  const acts: string[] = [];
  if (a.moveToFolder) acts.push(`move to ${folderLabel(a.moveToFolder)}`);
  if (a.copyToFolder) acts.push(`copy to ${folderLabel(a.copyToFolder)}`);
  if (a.delete) acts.push('delete');
  if (a.softDelete) acts.push('soft-delete');
  if (a.permanentDelete) acts.push('permanently delete');
  if (a.markAsRead) acts.push('mark as read');
  if (a.forwardTo) acts.push(`forward to ${a.forwardTo.join(', ')}`);
  if (a.forwardAsAttachmentTo) acts.push(`forward as attachment to ${a.forwardAsAttachmentTo.join(', ')}`);
  if (a.redirectTo) acts.push(`redirect to ${a.redirectTo.join(', ')}`);
  acts.push(...otherActions);
  if (a.stopProcessingRules) acts.push('stop processing rules');
  const conds = describeConditions(rule.conditions);
  const excepts = describeConditions(rule.exceptions);
  let text = acts.join(', ');
  if (conds.length > 0) text += `${text ? ', ' : ''}when ${conds.join(' and ')}`;
  else if (acts.length > 0 && rule.operation !== 'remove') text += ' (no conditions: every message)';
  if (excepts.length > 0) text += `, except when ${excepts.join(' or ')}`;
  if (rule.enabled === false) text += `${text ? ' ' : ''}(disabled)`;
  return text;
}

/** What a rule summary adds beside the rule itself. */
export interface RuleSummaryExtras {
  /** Who made the change when not the mailbox's owner, as shown: `admin@x.com`, `user1 (delegate)`. */
  by?: string | null;
  /** Actions `RuleAttrs` cannot hold ({@link otherRuleActions}). */
  otherActions?: readonly string[];
}

/**
 * `New-InboxRule "." on ceo@contoso.com: move to RSS Feeds, mark as read, when subject contains "invoice"`;
 * with `by`, `… on ceo@contoso.com by user1 (delegate): …`.
 */
export function ruleSummary(operation: string, rule: RuleAttrs, mailbox: string | null, extras: RuleSummaryExtras = {}): string {
  const name = rule.name !== null ? ` "${clip(rule.name, 60)}"` : rule.id !== null ? ` ${clip(rule.id, 40)}` : '';
  const where = mailbox ? ` on ${mailbox}` : '';
  const by = extras.by ? ` by ${extras.by}` : '';
  const what = describeRule(rule, extras.otherActions);
  return `${operation}${name}${where}${by}${what ? `: ${what}` : ''}`;
}

/** True when a rule forwards or redirects mail. */
export function ruleForwards(rule: RuleAttrs): boolean {
  return Boolean(rule.actions.forwardTo?.length || rule.actions.forwardAsAttachmentTo?.length || rule.actions.redirectTo?.length);
}
