/**
 * The BEC storyline: an anomalous sign-in followed, in the same session (within 7 days) or from the
 * same IP (within 24 hours), by the moves of a business-email-compromise actor: inbox rules,
 * forwarding, consent, sending mail, and the mail reading, deletion and searches around them.
 * One high-severity finding per compromised user lists the whole chain in time order.
 */
import type { FindingSeverity } from '../../../shared/model/analysis';
import { mailboxEvents, PivotReader } from '../../store/analysis-repo';
import { iso, where, type AnalysisContext, type AnalysisEvent, type Analyzer, type AnalyzerFinding, type AnomalousSignin } from './types';

const SESSION_WINDOW_US = 7 * 24 * 3_600_000_000;
const IP_WINDOW_US = 24 * 3_600_000_000;
/** Categories that make a chain a BEC (attacker acting, not only reading). */
const ACTION_CATEGORIES = new Set(['rule-change', 'forwarding', 'mail-send', 'consent']);
/** Categories listed as context steps of the chain. */
const CONTEXT_CATEGORIES = new Set(['mail-read', 'mail-delete', 'search', 'logon', 'admin']);
/** Every category a chain step can have. */
const CHAIN_CATEGORIES: ReadonlySet<string> = new Set([...ACTION_CATEGORIES, ...CONTEXT_CATEGORIES]);
/** Reading events listed per chain at most (all are counted). */
const MAX_READS = 200;
/** How long before the first anomalous sign-in a clicked link counts as the likely lure. */
const LURE_WINDOW_US = 60 * 60_000_000;
/** How far back the lure's delivery is looked for. */
const LURE_DELIVERY_LOOKBACK_US = 7 * 24 * 3_600_000_000;
/** Folder types (Activities `DeliveredFolderType`) and names hiding rules divert mail to. */
const HIDDEN_FOLDER =
  /^(rsssubscription|rss ?feeds|rss subscriptions|conversationhistory|conversation history|junkemail|junk e-?mail|deleteditems|deleted items|archive)$/i;
/** Diverted deliveries listed per chain at most. */
const MAX_DIVERTED = 50;

function field(e: AnalysisEvent, name: string): string | null {
  const v = e.attrs.fields?.[name];
  return typeof v === 'string' ? v : null;
}

/**
 * The likely lure: links the user clicked shortly before the attacker signed in (Activities
 * `LinkClicked`), the reading of that message, and its delivery (same InternetMessageId or item).
 */
function lureEvents(db: AnalysisContext['db'], mailbox: string, firstSigninUs: number): AnalysisEvent[] {
  const clicks = mailboxEvents(db, mailbox, firstSigninUs - LURE_WINDOW_US, firstSigninUs + 1, ['LinkClicked']);
  if (clicks.length === 0) return [];
  const messageIds = new Set(clicks.map((c) => field(c, 'InternetMessageId')).filter((x): x is string => !!x));
  const items = new Set(clicks.map((c) => c.object).filter((x): x is string => !!x));
  const out = [...clicks];
  for (const e of mailboxEvents(db, mailbox, firstSigninUs - LURE_DELIVERY_LOOKBACK_US, firstSigninUs + 1)) {
    if (out.includes(e)) continue;
    const mid = field(e, 'InternetMessageId');
    if ((mid && messageIds.has(mid)) || (e.object && items.has(e.object) && e.tsUs >= firstSigninUs - LURE_WINDOW_US)) out.push(e);
  }
  return out;
}

/** Mail delivered to a hidden folder after a hiding rule was created: the rule at work. */
function divertedDeliveries(db: AnalysisContext['db'], mailbox: string, ruleUs: number): AnalysisEvent[] {
  const out: AnalysisEvent[] = [];
  for (const e of mailboxEvents(db, mailbox, ruleUs, Number.MAX_SAFE_INTEGER, ['MessageDelivered'])) {
    const folder = field(e, 'DeliveredFolderType') ?? field(e, 'DeliveredFolderName') ?? field(e, 'ParentFolder');
    if (folder && HIDDEN_FOLDER.test(folder)) out.push(e);
    if (out.length >= MAX_DIVERTED) break;
  }
  return out;
}

function stepLabel(e: AnalysisEvent): string {
  switch (e.category) {
    case 'rule-change':
      return `inbox rule ${e.attrs.rule?.operation ?? 'change'} "${e.attrs.rule?.name ?? e.object ?? ''}"`;
    case 'forwarding':
      return `forwarding set to ${e.attrs.forwarding?.forwardingSmtpAddress ?? e.attrs.forwarding?.forwardingAddress ?? e.object ?? '?'}`;
    case 'mail-send':
      return `mail sent${e.attrs.send?.subject ? ` "${e.attrs.send.subject}"` : e.object ? ` "${e.object}"` : ''}${e.attrs.send?.recipients.length ? ` to ${e.attrs.send.recipients.slice(0, 3).join(', ')}` : ''}`;
    case 'consent':
      return `consent to "${e.attrs.consent?.appName ?? e.object ?? '?'}"`;
    case 'mail-read':
      return `mail read (${e.attrs.mailAccess?.accessType ?? e.operation})`;
    case 'mail-delete':
      return `mail deleted (${e.operation})`;
    case 'search':
      return `mailbox search${e.attrs.search?.query ? ` "${e.attrs.search.query}"` : ''}`;
    default:
      return e.operation;
  }
}

export const becStoryline: Analyzer = {
  id: 'bec-storyline',
  title: 'BEC storyline',
  description:
    'Chains an anomalous sign-in to what followed in the same session (7 days) or from the same IP (24 hours): inbox rules, forwarding, consent and sent mail, with the mail reading, deletions and searches around them. One high finding per compromised user with the whole chain.',
  run(ctx) {
    const byUser = new Map<string, AnomalousSignin[]>();
    for (const s of ctx.signals.anomalousSignins.values()) {
      const user = s.event.actor ?? s.event.mailbox;
      if (!user) continue;
      const list = byUser.get(user) ?? [];
      list.push(s);
      byUser.set(user, list);
    }
    const findings: AnalyzerFinding[] = [];
    const pivots = new PivotReader(ctx.db);
    for (const [user, signins] of byUser) {
      signins.sort((a, b) => a.event.tsUs - b.event.tsUs);
      const chain = new Map<number, AnalysisEvent>();
      const actions: AnalysisEvent[] = [];
      let reads = 0;
      let context = 0;
      const consider = (e: AnalysisEvent) => {
        if (chain.has(e.id)) return;
        const mine = e.actor === user || e.mailbox === user || (e.actor === null && e.mailbox === null);
        if (!mine) return;
        if (ACTION_CATEGORIES.has(e.category)) {
          // Removing a rule or forwarding is usually clean-up by the defender, not an attacker step.
          if (e.attrs.rule?.operation === 'remove' || e.attrs.rule?.operation === 'snapshot') return;
          if (e.source === 'mailbox-state') return;
          chain.set(e.id, e);
          actions.push(e);
        } else if (CONTEXT_CATEGORIES.has(e.category)) {
          if (e.category === 'mail-read' || e.category === 'logon') {
            if (e.category === 'mail-read') reads++;
            if (++context > MAX_READS) return;
          }
          chain.set(e.id, e);
        }
      };
      // Only what `consider` can keep: the user's events in a chain category.
      const scope = { user, categories: CHAIN_CATEGORIES };
      for (const s of signins) {
        chain.set(s.event.id, s.event);
        if (s.event.sessionId)
          for (const e of pivots.inSession(s.event.sessionId, s.event.tsUs, s.event.tsUs + SESSION_WINDOW_US, scope)) consider(e);
        if (s.event.clientIp)
          for (const e of pivots.fromIp(s.event.clientIp, s.event.tsUs, s.event.tsUs + IP_WINDOW_US, scope)) consider(e);
      }
      if (actions.length === 0) continue;
      // Before: the lure the user clicked minutes before the attacker signed in.
      const lure = lureEvents(ctx.db, user, signins[0]!.event.tsUs);
      for (const e of lure) chain.set(e.id, e);
      const clicks = lure.filter((e) => e.operation === 'LinkClicked');
      // After: mail the attacker's hiding rules diverted (replies the victim never saw).
      const hidingRules = actions.filter((a) => a.category === 'rule-change' || ctx.signals.actions.get(a.id)?.kind === 'rule');
      const diverted = hidingRules.length ? divertedDeliveries(ctx.db, user, Math.min(...hidingRules.map((r) => r.tsUs))) : [];
      for (const e of diverted) chain.set(e.id, e);
      const steps = [...chain.values()].sort((a, b) => a.tsUs - b.tsUs || a.id - b.id);
      const first = signins[0]!.event;
      const kinds = [...new Set(actions.map((a) => a.category))];
      // High when the sign-in itself is high, or an action is suspicious on its own (a hiding rule,
      // external forwarding, unfamiliar consent). A traveller's medium sign-in followed by ordinary
      // sends stays medium: sending mail is what users do.
      const strongSignin = signins.some((s) => s.severity === 'high');
      const strongAction = actions.some((a) => {
        const sig = ctx.signals.actions.get(a.id);
        return !!sig && (sig.severity === 'high' || sig.severity === 'medium');
      });
      const severity: FindingSeverity = strongSignin || strongAction ? 'high' : 'medium';
      // One line per source IP (a sign-in shows up in several logs: Entra, UAL, Activities).
      const byIp = new Map<string, AnomalousSignin[]>();
      for (const s of signins) {
        const k = s.event.clientIp ?? '?';
        byIp.set(k, [...(byIp.get(k) ?? []), s]);
      }
      const signinText = [...byIp.values()]
        .slice(0, 4)
        .map(
          (list) =>
            `${iso(list[0]!.event.tsUs)} from ${where(list[0]!.event)} (${list[0]!.reasons[0] ?? 'anomalous'}${list.length > 1 ? `; ${list.length} sign-in records` : ''})`,
        )
        .join('; ');
      const actionText = actions
        .slice(0, 8)
        .map(
          (a) =>
            `${iso(a.tsUs)} ${stepLabel(a)}${a.sessionId && signins.some((s) => s.event.sessionId === a.sessionId) ? ' [same session]' : a.clientIp && signins.some((s) => s.event.clientIp === a.clientIp) ? ' [same IP]' : ''}`,
        )
        .join('; ');
      findings.push({
        fingerprint: `${user}|${first.id}`,
        severity,
        title: `BEC storyline for ${user}: anomalous sign-in followed by ${kinds.map((k) => k.replace('-', ' ')).join(', ')}`,
        why:
          `Anomalous sign-in${byIp.size > 1 ? 's' : ''}: ${signinText}${byIp.size > 4 ? ` and ${byIp.size - 4} more sources` : ''}. ` +
          `Then, in the same session or from the same IP: ${actionText}${actions.length > 8 ? ` and ${actions.length - 8} more actions` : ''}. ` +
          (reads ? `${reads} mail-access record${reads === 1 ? '' : 's'} in the same context show what was read. ` : '') +
          (clicks.length
            ? `Likely lure: ${user} clicked ${clicks.map((e) => field(e, 'Url') ?? 'a link').join(', ')} ${Math.max(0, Math.round((first.tsUs - clicks[0]!.tsUs) / 60_000_000))} minutes before the attacker signed in. `
            : '') +
          (diverted.length
            ? `${diverted.length} message${diverted.length === 1 ? ' was' : 's were'} then delivered straight into a hidden folder (${diverted
                .slice(0, 3)
                .map((e) => `"${e.object ?? '?'}"`)
                .join(', ')}${diverted.length > 3 ? ' …' : ''}). `
            : '') +
          "Sign-in from attacker infrastructure followed by rule creation, forwarding, consent or sending is the business-email-compromise pattern: the attacker hides replies, keeps a copy of the mail and writes to the victim's contacts (often changing payment details).",
        nextSteps: [
          `Contain: revoke ${user}'s sessions and refresh tokens, reset the password, re-register MFA, remove the rules / forwarding / app grants listed here.`,
          "Tag the chain's events as confirmed (tag `malicious`) and run the analyzers again: the attacker-pivot analyzer then lists everything else done from the same IPs and sessions, across all users.",
          'Contact recipients of the mail sent in this window (especially payment or bank-detail changes) by phone; ask the bank to recall any transfer.',
          'Scope the data exposure from the mail-access events (Sync = whole folders).',
        ],
        eventIds: steps.map((e) => e.id),
        actors: [user],
        firstUs: steps[0]!.tsUs,
        lastUs: steps[steps.length - 1]!.tsUs,
      });
    }
    return findings;
  },
};
