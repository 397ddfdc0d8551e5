/**
 * External forwarding (m365-sources §3.5, §9; Hawk, Microsoft playbook "suspicious inbox
 * forwarding rules"): mailbox-level SMTP forwarding (`Set-Mailbox -ForwardingSmtpAddress`,
 * `ForwardingAddress`, `DeliverToMailboxAndForward`), inbox rules that forward or redirect outside
 * the organisation, and transport rules that copy or redirect mail.
 */
import type { FindingSeverity } from '../../../shared/model/analysis';
import { eventsByCategory } from '../../store/analysis-repo';
import { iso, where, type AnalysisEvent, type Analyzer, type AnalyzerFinding } from './types';

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function stringsOf(v: unknown): string[] {
  if (typeof v === 'string')
    return v
      .split(/[;,]\s*/)
      .map((s) => s.replace(/^smtp:/i, '').trim())
      .filter(Boolean);
  if (Array.isArray(v)) return v.flatMap(stringsOf);
  return [];
}

export const forwarding: Analyzer = {
  id: 'forwarding',
  title: 'External forwarding',
  description:
    'Mailbox SMTP forwarding, inbox rules forwarding or redirecting outside the organisation, and transport rules that copy or redirect mail. Forwarding to an outside address is how attackers keep reading a mailbox after the password is reset.',
  run(ctx) {
    const findings: AnalyzerFinding[] = [];
    const byTarget = new Map<
      string,
      { events: AnalysisEvent[]; mailbox: string; target: string; how: Set<string>; keepsCopy: boolean | null; severity: FindingSeverity }
    >();
    const add = (e: AnalysisEvent, mailbox: string, target: string, how: string, keepsCopy: boolean | null) => {
      const external = !ctx.isInternalAddress(target);
      const severity: FindingSeverity = external ? 'high' : 'low';
      const key = `${mailbox}|${target.toLowerCase()}`;
      const g = byTarget.get(key) ?? { events: [], mailbox, target, how: new Set<string>(), keepsCopy, severity };
      g.events.push(e);
      g.how.add(how);
      if (keepsCopy !== null) g.keepsCopy = keepsCopy;
      byTarget.set(key, g);
      if (e.attrs.rule?.operation !== 'snapshot' && e.source !== 'mailbox-state') {
        ctx.signals.actions.set(e.id, {
          event: e,
          kind: 'forwarding',
          severity,
          reason: `${how} to ${target}${external ? ' (external)' : ''}`,
        });
      }
    };
    for (const e of eventsByCategory(ctx.db, ['forwarding', 'rule-change', 'admin'])) {
      const mailbox = e.mailbox ?? e.actor ?? 'unknown mailbox';
      const f = e.attrs.forwarding;
      if (f) {
        if (f.forwardingSmtpAddress)
          add(
            e,
            mailbox,
            f.forwardingSmtpAddress.toLowerCase(),
            'mailbox SMTP forwarding (ForwardingSmtpAddress)',
            f.deliverToMailboxAndForward,
          );
        if (f.forwardingAddress)
          add(e, mailbox, f.forwardingAddress.toLowerCase(), 'mailbox forwarding (ForwardingAddress)', f.deliverToMailboxAndForward);
      }
      const r = e.attrs.rule;
      if (r && r.operation !== 'remove') {
        for (const t of r.actions.forwardTo ?? []) add(e, mailbox, t.toLowerCase(), `inbox rule "${r.name ?? '?'}" ForwardTo`, null);
        for (const t of r.actions.forwardAsAttachmentTo ?? [])
          add(e, mailbox, t.toLowerCase(), `inbox rule "${r.name ?? '?'}" ForwardAsAttachmentTo`, null);
        for (const t of r.actions.redirectTo ?? []) add(e, mailbox, t.toLowerCase(), `inbox rule "${r.name ?? '?'}" RedirectTo`, null);
      }
      if (/^(new|set)-transportrule$/i.test(e.operation)) {
        const fields = e.attrs.fields ?? {};
        for (const k of ['BlindCopyTo', 'RedirectMessageTo', 'AddToRecipients', 'CopyTo']) {
          for (const t of stringsOf(fields[k]))
            if (t.includes('@')) add(e, 'transport rule (all mailboxes)', t.toLowerCase(), `${e.operation} ${k}`, null);
        }
      }
    }
    for (const [key, g] of byTarget) {
      const external = !ctx.isInternalAddress(g.target);
      if (!external && g.events.every((e) => e.source === 'mailbox-state')) continue;
      const first = g.events[0]!;
      const last = g.events[g.events.length - 1]!;
      findings.push({
        fingerprint: key,
        severity: g.severity,
        title: `${external ? 'External forwarding' : 'Forwarding'} of ${g.mailbox} to ${g.target}`,
        why:
          `${[...g.how].join('; ')} sends ${g.mailbox}'s mail to ${g.target}${external ? `, an address outside the organisation (domain ${domainOf(g.target)})` : ''}. ` +
          `First seen at ${iso(first.tsUs)}${first.actor ? ` (set by ${first.actor} from ${where(first)})` : ''}.` +
          (g.keepsCopy === false ? ' DeliverToMailboxAndForward is off: the user does not even keep a copy.' : '') +
          (external
            ? " Attackers add forwarding to keep receiving the victim's mail after losing access, and to intercept invoice and payment conversations."
            : ''),
        nextSteps: [
          'Confirm with the mailbox owner and their manager whether the forwarding is a business need; if not, remove it (Set-Mailbox -ForwardingSmtpAddress $null / remove the rule).',
          'Run a message trace for mail sent to the forwarding address since it was set: that is the data that left the organisation.',
          'Consider blocking automatic external forwarding with an outbound anti-spam policy.',
          'Pivot on the session and IP that set it for the rest of the attacker activity.',
        ],
        eventIds: g.events.map((e) => e.id),
        actors: [g.mailbox],
        firstUs: first.tsUs,
        lastUs: last.tsUs,
      });
    }
    return findings;
  },
};
