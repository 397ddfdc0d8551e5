/**
 * Attacker pivot: everything any user did from the IPs and sessions of events the examiner
 * confirmed as bad (tagged `malicious`, `confirmed`, `compromised` or `attacker`) and that is not
 * tagged yet. Another user acting from the attacker's infrastructure is lateral movement or a
 * second victim.
 */
import { eventsByIds, PivotReader } from '../../store/analysis-repo';
import { linkable } from '../../normalize/event';
import { iso, type AnalysisEvent, type Analyzer, type AnalyzerFinding } from './types';

/** Events listed per finding at most. */
const MAX_IDS = 1000;
const FAR = 8_640_000_000_000_000;

export const attackerPivot: Analyzer = {
  id: 'attacker-pivot',
  title: 'Attacker pivot',
  description:
    'Everything any user did from the IPs and sessions of events tagged malicious / confirmed / compromised / attacker, not yet tagged itself. Other users acting from that infrastructure are reported high.',
  run(ctx) {
    const seedIds = ctx.confirmedBadEventIds();
    if (seedIds.length === 0) return [];
    const seeds = eventsByIds(ctx.db, seedIds);
    const seedSet = new Set(seedIds);
    const ips = new Set<string>();
    const sessions = new Set<string>();
    const seedUsers = new Set<string>();
    for (const e of seeds) {
      if (e.actor) seedUsers.add(e.actor);
      // Cases imported before placeholder ids were dropped at normalization still hold the nil GUID.
      const session = linkable(e.sessionId);
      if (session) sessions.add(session);
      if (e.clientIp) {
        const flags = ctx.ip(e.clientIp).flags;
        // Microsoft's own servers and private addresses are shared by everyone: no pivot there.
        if (!flags.includes('microsoft-service') && !flags.includes('private') && !flags.includes('reserved')) ips.add(e.clientIp);
      }
    }
    const found = new Map<number, { e: AnalysisEvent; via: string }>();
    const pivots = new PivotReader(ctx.db);
    for (const ip of ips)
      for (const e of pivots.fromIp(ip, -FAR, FAR)) if (!seedSet.has(e.id) && !found.has(e.id)) found.set(e.id, { e, via: `IP ${ip}` });
    for (const s of sessions)
      for (const e of pivots.inSession(s, -FAR, FAR))
        if (!seedSet.has(e.id) && !found.has(e.id)) found.set(e.id, { e, via: `session ${s}` });
    const byActor = new Map<string, { e: AnalysisEvent; via: string }[]>();
    for (const f of found.values()) {
      const actor = f.e.actor ?? f.e.mailbox ?? '(no actor)';
      const list = byActor.get(actor) ?? [];
      list.push(f);
      byActor.set(actor, list);
    }
    const findings: AnalyzerFinding[] = [];
    for (const [actor, list] of byActor) {
      list.sort((a, b) => a.e.tsUs - b.e.tsUs);
      const other = !seedUsers.has(actor);
      const vias = [...new Set(list.map((l) => l.via))];
      const ops = new Map<string, number>();
      for (const l of list) ops.set(l.e.operation, (ops.get(l.e.operation) ?? 0) + 1);
      findings.push({
        fingerprint: actor,
        severity: other ? 'high' : 'medium',
        title: other
          ? `${actor} acted from attacker infrastructure (${list.length} events)`
          : `${list.length} more events of ${actor} from attacker infrastructure, not yet tagged`,
        why:
          `${list.length} event${list.length === 1 ? '' : 's'} by ${actor} between ${iso(list[0]!.e.tsUs)} and ${iso(list[list.length - 1]!.e.tsUs)} came from ${vias.slice(0, 5).join(', ')}${vias.length > 5 ? ' …' : ''}, which events you confirmed as malicious also used. ` +
          `Operations: ${[...ops.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 8)
            .map(([o, n]) => `${o} ×${n}`)
            .join(', ')}. ` +
          (other
            ? 'A different user acting from the same IP or session is either a second compromised account or the attacker moving laterally (e.g. phishing colleagues from the first mailbox).'
            : 'These belong to the same intrusion but are not tagged yet; review and tag them so the report shows the complete attacker activity.'),
        nextSteps: other
          ? [
              `Treat ${actor} as compromised until shown otherwise: review their sign-ins, rules, forwarding and sent mail.`,
              'Tag the confirmed events and re-run the analyzers.',
            ]
          : ['Review the listed events and tag the attacker ones (bulk tag by query: `tag` with `--query`).'],
        eventIds: list.slice(0, MAX_IDS).map((l) => l.e.id),
        actors: [actor],
        firstUs: list[0]!.e.tsUs,
        lastUs: list[list.length - 1]!.e.tsUs,
      });
    }
    return findings;
  },
};
