/**
 * Suspicious inbox rules (m365-sources §9, Microsoft's playbook for suspicious inbox manipulation
 * rules, Elastic and Hawk rules): rules that hide mail (move to RSS Feeds / RSS Subscriptions /
 * Conversation History / Junk / Deleted Items / Archive), delete it, mark it read, target finance
 * or security keywords, have names made only of punctuation, or forward / redirect it.
 */
import type { FindingSeverity } from '../../../shared/model/analysis';
import type { RuleAttrs } from '../../../shared/model/attrs';
import { eventsByCategory } from '../../store/analysis-repo';
import { contextSeverity, iso, maxSeverity, SEVERITY_RANK, where, type AnalysisEvent, type Analyzer, type AnalyzerFinding } from './types';

/** Folders attackers hide mail in (matched on the last path segment, case-insensitive). */
const HIDING_FOLDERS = /^(rss feeds|rss subscriptions|conversation history|junk e-?mail|junk|deleted items|archive)$/i;
/** Finance and security words attackers watch for (Microsoft playbook, Elastic rule list). */
export const RULE_KEYWORDS = [
  'invoice',
  'payment',
  'wire',
  'transfer',
  'bank',
  'account',
  'remittance',
  'ach',
  'iban',
  'swift',
  'fraud',
  'reset',
  'password',
  'phish',
  'hack',
  'hacked',
  'alert',
  'security',
  'suspicious',
  'login',
  'sign-in',
  'unusual',
  'protection',
  'malware',
  'spam',
  'do not reply',
  'compromised',
  'helpdesk',
  'it support',
  'verify',
  'urgent',
  'payroll',
  'w-2',
  'w2',
  'tax',
];

function folderName(path: string | undefined): string | null {
  if (!path) return null;
  const seg = path.split(/[\\/:]/).filter(Boolean);
  return seg[seg.length - 1] ?? null;
}

function keywordsOf(rule: RuleAttrs): string[] {
  const c = rule.conditions;
  const words = [
    ...(c.subjectContainsWords ?? []),
    ...(c.bodyContainsWords ?? []),
    ...(c.subjectOrBodyContainsWords ?? []),
    ...(c.fromAddressContainsWords ?? []),
    ...(c.headerContainsWords ?? []),
  ];
  if (c.raw) words.push(c.raw);
  const hits = new Set<string>();
  for (const w of words) {
    const lw = w.toLowerCase();
    for (const k of RULE_KEYWORDS) if (lw.includes(k)) hits.add(k);
  }
  return [...hits];
}

function hasConditions(rule: RuleAttrs): boolean {
  return Object.values(rule.conditions).some((v) => (Array.isArray(v) ? v.length > 0 : !!v));
}

/** Assessment of one rule event. */
export interface RuleAssessment {
  severity: FindingSeverity;
  reasons: string[];
  forwardsTo: string[];
}

/** Judges a rule (exported for the forwarding analyzer and tests). */
export function assessRule(
  rule: RuleAttrs,
  isInternal: (address: string) => boolean,
  /** Folder name by id (Graph rules name their target folder by id). */
  folderById: (id: string | null) => string | null = () => null,
): RuleAssessment {
  const reasons: string[] = [];
  let severity: FindingSeverity = 'info';
  const a = rule.actions;
  const named = (f: string | undefined): string | null => folderName(f !== undefined ? (folderById(f) ?? f) : undefined);
  const hideIn = [named(a.moveToFolder), named(a.copyToFolder)].find((f) => f && HIDING_FOLDERS.test(f));
  const deletes = a.delete || a.softDelete || a.permanentDelete;
  const keywords = keywordsOf(rule);
  const name = rule.name ?? '';
  const punctuationName = name.length > 0 && /^[\p{P}\p{S}\s]+$/u.test(name);
  const forwardsTo = [...(a.forwardTo ?? []), ...(a.forwardAsAttachmentTo ?? []), ...(a.redirectTo ?? [])];
  const external = forwardsTo.filter((x) => !isInternal(x));
  if (hideIn) reasons.push(`moves mail to "${hideIn}", a folder nobody reads`);
  if (deletes) reasons.push(a.permanentDelete ? 'permanently deletes matching mail' : 'deletes matching mail');
  if (deletes && !hasConditions(rule)) reasons.push('has no condition: every message is affected');
  if (a.markAsRead) reasons.push('marks matching mail as read');
  if (keywords.length) reasons.push(`watches for ${keywords.map((k) => `"${k}"`).join(', ')}`);
  if (punctuationName) reasons.push(`its name "${name}" is only punctuation, a way to make it unnoticeable`);
  else if (name.length > 0 && name.length <= 2) reasons.push(`its name "${name}" is one or two characters long`);
  if (external.length) reasons.push(`forwards or redirects mail outside the organisation (${external.join(', ')})`);
  else if (forwardsTo.length) reasons.push(`forwards or redirects mail (${forwardsTo.join(', ')})`);
  if (a.stopProcessingRules && reasons.length) reasons.push('stops processing further rules');

  const hides = !!hideIn || !!deletes;
  if (external.length) severity = 'high';
  else if (hides && (keywords.length > 0 || a.markAsRead || punctuationName || !hasConditions(rule))) severity = 'high';
  else if (hides || (keywords.length > 0 && (a.markAsRead || punctuationName))) severity = 'medium';
  else if (keywords.length > 0 || punctuationName || forwardsTo.length > 0) severity = 'low';
  else if (a.markAsRead) severity = 'info';
  return { severity, reasons, forwardsTo };
}

export const inboxRules: Analyzer = {
  id: 'inbox-rules',
  title: 'Suspicious inbox rules',
  description:
    'Inbox rules created or changed to hide mail (RSS Feeds, Conversation History, Junk, Deleted Items, Archive), delete it, mark it read, watch finance or security keywords, carry punctuation-only names, or forward it; raised when made from a session or IP flagged by the sign-in analysis.',
  run(ctx) {
    const groups = new Map<
      string,
      { events: AnalysisEvent[]; severity: FindingSeverity; reasons: Set<string>; mailbox: string; name: string; fromBad: boolean }
    >();
    for (const e of eventsByCategory(ctx.db, ['rule-change'])) {
      const rule = e.attrs.rule;
      if (!rule || rule.operation === 'remove') continue;
      const mailbox = e.mailbox ?? e.actor ?? 'unknown mailbox';
      const verdict = assessRule(
        rule,
        (x) => ctx.isInternalAddress(x),
        (id) => ctx.names.folderName(id),
      );
      const bad = contextSeverity(ctx, e);
      const fromBad = bad !== null;
      let severity = verdict.severity;
      const reasons = [...verdict.reasons];
      if (fromBad && rule.operation !== 'snapshot') {
        reasons.push(`was made from ${where(e)}, a sign-in source already judged anomalous`);
        // A rule worth a look, made from a high-risk sign-in, is the attacker's; from a medium one, worth more than alone.
        if (SEVERITY_RANK[severity] >= SEVERITY_RANK.low) severity = bad === 'high' ? 'high' : maxSeverity(severity, 'medium');
      }
      if (severity === 'info') continue;
      if (rule.operation !== 'snapshot') {
        ctx.signals.actions.set(e.id, {
          event: e,
          kind: 'rule',
          severity,
          reason: `inbox rule "${rule.name ?? rule.id ?? '?'}" ${reasons[0] ?? ''}`.trim(),
        });
      }
      const key = `${mailbox}|${(rule.name ?? rule.id ?? '').toLowerCase()}`;
      const g = groups.get(key) ?? {
        events: [],
        severity: 'info' as FindingSeverity,
        reasons: new Set<string>(),
        mailbox,
        name: rule.name ?? rule.id ?? '(unnamed)',
        fromBad: false,
      };
      g.events.push(e);
      g.severity = maxSeverity(g.severity, severity);
      reasons.forEach((r) => g.reasons.add(r));
      g.fromBad ||= fromBad;
      groups.set(key, g);
    }
    const findings: AnalyzerFinding[] = [];
    for (const [key, g] of groups) {
      const first = g.events[0]!;
      const last = g.events[g.events.length - 1]!;
      const created = g.events.filter((e) => e.attrs.rule?.operation !== 'snapshot');
      findings.push({
        fingerprint: key,
        severity: g.severity,
        title: `Suspicious inbox rule "${g.name}" on ${g.mailbox}`,
        why:
          `The rule ${[...g.reasons].join('; ')}. ` +
          (created.length
            ? `It was ${created[0]!.attrs.rule?.operation === 'create' ? 'created' : 'changed'} at ${iso(created[0]!.tsUs)} by ${created[0]!.actor ?? 'an unknown actor'} from ${where(created[0]!)}. `
            : `It is present in the mailbox state read at ${iso(first.tsUs)}. `) +
          'Attackers who control a mailbox add rules like this so the victim never sees replies to their fraudulent mail, bank or security warnings, or so copies of mail leave the organisation.',
        nextSteps: [
          `Compare with what ${g.mailbox} says they created; if they did not, disable and remove the rule (Remove-InboxRule) after preserving it.`,
          'Look at who created it: pivot on the session and IP of the creating event for the rest of the attacker activity.',
          'Review the mail the rule moved, deleted or forwarded since its creation (message trace) and warn affected correspondents.',
          'Check every other mailbox for rules with the same name or actions (the same kit is usually used tenant-wide).',
        ],
        eventIds: g.events.map((e) => e.id),
        actors: [...new Set([g.mailbox, ...g.events.map((e) => e.actor).filter((a): a is string => !!a)])],
        firstUs: first.tsUs,
        lastUs: last.tsUs,
      });
    }
    return findings;
  },
};
