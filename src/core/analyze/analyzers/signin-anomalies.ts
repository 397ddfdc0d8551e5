/**
 * Sign-in anomalies: for each user, sign-ins from a country or network the user does not normally
 * use, impossible travel between consecutive sign-ins, legacy / ROPC authentication, device-code
 * flow, tool user agents, hosting and anonymiser networks, and Entra's own risk verdicts. One
 * finding per (user, IP) gathers every reason; anomalous successful sign-ins become signals for
 * the mail-access analyzer and the BEC storyline.
 */
import type { FindingSeverity } from '../../../shared/model/analysis';
import { eventsByCategory } from '../../store/analysis-repo';
import {
  maxSeverity,
  SEVERITY_RANK,
  iso,
  succeeded,
  where,
  type AnalysisContext,
  type AnalysisEvent,
  type Analyzer,
  type AnalyzerFinding,
} from './types';

/** Legacy protocols (`clientAppUsed`) that cannot do MFA; ActiveSync/EWS/MAPI also exist with modern auth, so they weigh less. */
const LEGACY_STRONG =
  /^(imap4?|pop3?|authenticated smtp|smtp|other clients|autodiscover|offline address book|outlook anywhere.*|reporting web services|exchange online powershell|universal outlook)$/i;
const LEGACY_WEAK = /^(exchange activesync|exchange web services|mapi over http)$/i;

/** Minimum successful sign-ins with a known country before "new country" is judged. */
const BASELINE_MIN = 3;
/** A country/ASN seen on at most this many distinct days and under this share is unfamiliar. */
const RARE_DAYS = 2;
const RARE_SHARE = 0.25;
/** Impossible travel: farther than this (km) and faster than this (km/h). */
const TRAVEL_MIN_KM = 500;
const TRAVEL_MAX_KMH = 1000;

interface Reason {
  severity: FindingSeverity;
  text: string;
  /** Independent signal families, for combining (two or more medium families on a success ⇒ high). */
  family: string;
}

function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

const DAY = 86_400_000_000;

/** Whether an IP is the user's own side (not Microsoft's servers, not internal). */
function usable(ctx: AnalysisContext, e: AnalysisEvent): boolean {
  if (!e.clientIp) return false;
  const flags = ctx.ip(e.clientIp).flags;
  return !flags.includes('private') && !flags.includes('reserved') && !flags.includes('microsoft-service');
}

interface Baseline {
  total: number;
  days: number;
  countries: Map<string, { n: number; days: Set<number> }>;
  asns: Map<number, { n: number; days: Set<number> }>;
}

function baselineOf(ctx: AnalysisContext, events: AnalysisEvent[]): Baseline {
  const b: Baseline = { total: 0, days: 0, countries: new Map(), asns: new Map() };
  const days = new Set<number>();
  for (const e of events) {
    if (!succeeded(e) || !usable(ctx, e)) continue;
    const day = Math.floor(e.tsUs / DAY);
    days.add(day);
    if (e.country) {
      b.total++;
      const c = b.countries.get(e.country) ?? { n: 0, days: new Set<number>() };
      c.n++;
      c.days.add(day);
      b.countries.set(e.country, c);
    }
    if (e.asn !== null) {
      const a = b.asns.get(e.asn) ?? { n: 0, days: new Set<number>() };
      a.n++;
      a.days.add(day);
      b.asns.set(e.asn, a);
    }
  }
  b.days = days.size;
  return b;
}

/**
 * Unfamiliar: seen on few days and a small share of the user's sign-ins. Shares count days, not
 * records, so a burst of token refreshes from the attacker's IP cannot make it look familiar.
 */
function rare(stat: { n: number; days: Set<number> } | undefined, total: number, totalDays: number): boolean {
  if (!stat) return false;
  return stat.days.size <= RARE_DAYS && (stat.days.size / Math.max(totalDays, 1) < RARE_SHARE || stat.n / total < RARE_SHARE / 2);
}

function reasonsFor(ctx: AnalysisContext, e: AnalysisEvent, base: Baseline, prev: AnalysisEvent | undefined): Reason[] {
  const out: Reason[] = [];
  const s = e.attrs.signin;
  if (e.userAgent) {
    const tool = ctx.ua(e.userAgent).tool;
    if (tool) {
      const family = tool.kind === 'legacy-auth' ? 'legacy' : 'tool';
      out.push({
        severity: tool.severity,
        family,
        text: `user agent "${e.userAgent}" is ${tool.name}, a ${tool.kind.replace('-', ' ')}, not a browser or mail client`,
      });
    }
  }
  const clientApp = s?.clientAppUsed ?? null;
  if (clientApp && LEGACY_STRONG.test(clientApp))
    out.push({ severity: 'medium', family: 'legacy', text: `legacy authentication (${clientApp}), which bypasses MFA` });
  else if (clientApp && LEGACY_WEAK.test(clientApp)) out.push({ severity: 'low', family: 'legacy', text: `older protocol (${clientApp})` });
  const protocol = s?.authenticationProtocol?.toLowerCase();
  if (protocol === 'ropc')
    out.push({
      severity: 'medium',
      family: 'legacy',
      text: 'resource-owner password credentials (ROPC) grant: password sent directly, no MFA prompt',
    });
  if (protocol === 'devicecode')
    out.push({ severity: 'medium', family: 'devicecode', text: 'device-code flow, the mechanism abused by device-code phishing' });
  if (e.clientIp) {
    const info = ctx.ip(e.clientIp);
    if (info.flags.includes('anonymizer'))
      out.push({
        severity: 'medium',
        family: 'network',
        text: `from a commercial VPN / anonymiser network (AS${info.asn} ${info.asOrg ?? ''})`.trim(),
      });
    else if (info.flags.includes('hosting'))
      out.push({
        severity: 'medium',
        family: 'network',
        text: `from a hosting provider (AS${info.asn} ${info.asOrg ?? ''}), not an access ISP`.trim(),
      });
    else if (info.flags.includes('hosting-name'))
      out.push({ severity: 'low', family: 'network', text: `from a network whose name suggests hosting (${info.asOrg})` });
    else if (info.flags.includes('microsoft') && !info.flags.includes('microsoft-service'))
      out.push({
        severity: 'low',
        family: 'network',
        text: 'from Microsoft cloud address space outside the Microsoft 365 service ranges (e.g. an Azure VM)',
      });
  }
  if (base.total >= BASELINE_MIN && usable(ctx, e)) {
    if (e.country && rare(base.countries.get(e.country), base.total, base.days)) {
      const familiar = [...base.countries.entries()].filter(([, v]) => !rare(v, base.total, base.days)).map(([k]) => k);
      out.push({
        severity: familiar.length > 0 ? 'medium' : 'low',
        family: 'geo',
        text: `country ${e.country} is unusual for this user (usually ${familiar.join(', ') || 'no single country'})`,
      });
    } else if (e.asn !== null && rare(base.asns.get(e.asn), base.total, base.days)) {
      out.push({ severity: 'low', family: 'new-asn', text: `network AS${e.asn} ${e.asOrg ?? ''} is new for this user`.trim() });
    }
  }
  // Travel is symmetric: blame the leg that lands somewhere unusual for the user, not the way home.
  const prevRare = !!prev?.country && rare(base.countries.get(prev.country), base.total, base.days);
  const curRare = !!e.country && rare(base.countries.get(e.country), base.total, base.days);
  if (prev && prev.country && e.country && prev.country !== e.country && prev.clientIp && e.clientIp && !(prevRare && !curRare)) {
    const a = ctx.ip(prev.clientIp);
    const b = ctx.ip(e.clientIp);
    const pa = a.latitude !== null && a.longitude !== null ? { lat: a.latitude, lon: a.longitude } : ctx.countryCentre(prev.country);
    const pb = b.latitude !== null && b.longitude !== null ? { lat: b.latitude, lon: b.longitude } : ctx.countryCentre(e.country);
    if (pa && pb) {
      const km = haversineKm(pa, pb);
      const hours = Math.max((e.tsUs - prev.tsUs) / 3.6e9, 1 / 60);
      if (km > TRAVEL_MIN_KM && km / hours > TRAVEL_MAX_KMH) {
        out.push({
          severity: 'medium',
          family: 'geo',
          text: `impossible travel: ${prev.country} at ${iso(prev.tsUs)} then ${e.country} ${Math.round((e.tsUs - prev.tsUs) / 6e7)} min later (~${Math.round(km)} km)`,
        });
      }
    }
  }
  if (s?.riskLevel && /^(high|medium)$/i.test(s.riskLevel)) {
    out.push({
      severity: s.riskLevel.toLowerCase() === 'high' ? 'high' : 'medium',
      family: 'risk',
      text: `Entra rated the sign-in ${s.riskLevel} risk${s.riskEventTypes.length ? ` (${s.riskEventTypes.join(', ')})` : ''}`,
    });
  } else if (s?.riskEventTypes?.length) {
    out.push({ severity: 'low', family: 'risk', text: `Entra risk detections: ${s.riskEventTypes.join(', ')}` });
  }
  return out;
}

function combine(reasons: Reason[], success: boolean): FindingSeverity {
  let sev: FindingSeverity = 'info';
  for (const r of reasons) sev = maxSeverity(sev, r.severity);
  const strongFamilies = new Set(reasons.filter((r) => SEVERITY_RANK[r.severity] >= SEVERITY_RANK.medium).map((r) => r.family));
  if (success && strongFamilies.size >= 2) sev = 'high';
  // A failed attempt did not give access: report it, but never above low.
  if (!success && SEVERITY_RANK[sev] > SEVERITY_RANK.low) sev = 'low';
  return sev;
}

export const signinAnomalies: Analyzer = {
  id: 'signin-anomalies',
  title: 'Sign-in anomalies',
  description:
    'Sign-ins from a country or network unusual for the user, impossible travel, legacy/ROPC and device-code authentication, tool user agents, hosting and anonymiser networks, and Entra risk verdicts. Two independent medium signals on a successful sign-in make it high.',
  run(ctx) {
    const byUser = new Map<string, AnalysisEvent[]>();
    for (const e of eventsByCategory(ctx.db, ['logon'])) {
      const user = e.actor ?? e.mailbox;
      if (!user) continue;
      let list = byUser.get(user);
      if (!list) byUser.set(user, (list = []));
      list.push(e);
    }
    const findings: AnalyzerFinding[] = [];
    for (const [user, events] of byUser) {
      const base = baselineOf(ctx, events);
      const groups = new Map<
        string,
        { events: AnalysisEvent[]; reasons: Map<string, Reason>; severity: FindingSeverity; successes: number }
      >();
      let prevSuccess: AnalysisEvent | undefined;
      for (const e of events) {
        const ok = succeeded(e);
        const reasons = reasonsFor(ctx, e, base, ok && usable(ctx, e) ? prevSuccess : undefined);
        if (ok && usable(ctx, e) && e.country) prevSuccess = e;
        if (reasons.length === 0) continue;
        const severity = combine(reasons, ok);
        if (ok && SEVERITY_RANK[severity] >= SEVERITY_RANK.medium) {
          ctx.signals.anomalousSignins.set(e.id, { event: e, severity, reasons: reasons.map((r) => r.text) });
          if (e.clientIp) {
            const entry = ctx.signals.suspiciousIps.get(e.clientIp) ?? { users: new Set<string>(), severity };
            entry.users.add(user);
            entry.severity = maxSeverity(entry.severity, severity);
            ctx.signals.suspiciousIps.set(e.clientIp, entry);
          }
          if (e.sessionId)
            ctx.signals.suspiciousSessions.set(
              e.sessionId,
              maxSeverity(ctx.signals.suspiciousSessions.get(e.sessionId) ?? 'info', severity),
            );
        }
        const key = e.clientIp ?? `ua:${e.userAgent ?? ''}`;
        const g = groups.get(key) ?? { events: [], reasons: new Map<string, Reason>(), severity: 'info' as FindingSeverity, successes: 0 };
        g.events.push(e);
        for (const r of reasons) if (!g.reasons.has(r.family + r.text.slice(0, 40))) g.reasons.set(r.family + r.text.slice(0, 40), r);
        g.severity = maxSeverity(g.severity, severity);
        if (ok) g.successes++;
        groups.set(key, g);
      }
      for (const [key, g] of groups) {
        if (g.severity === 'info') continue;
        const first = g.events[0]!;
        const last = g.events[g.events.length - 1]!;
        const failures = g.events.length - g.successes;
        const reasons = [...g.reasons.values()].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
        const outcome =
          g.successes > 0
            ? `${g.successes} successful sign-in${g.successes > 1 ? 's' : ''}${failures ? ` and ${failures} failed` : ''}`
            : `${failures} failed sign-in attempt${failures > 1 ? 's' : ''} (no success)`;
        findings.push({
          fingerprint: `${user}|${key}`,
          severity: g.severity,
          title: `${g.successes > 0 ? (g.severity === 'low' ? 'Unusual sign-in details' : 'Anomalous sign-in') : 'Suspicious failed sign-ins'} for ${user} from ${where(first)}`,
          why:
            `${outcome} for ${user} from ${where(first)} between ${iso(first.tsUs)} and ${iso(last.tsUs)}: ${reasons.map((r) => r.text).join('; ')}. ` +
            (g.successes > 0
              ? 'Credential phishing and adversary-in-the-middle kits sign in from infrastructure like this; whatever the session did next is attacker activity until shown otherwise.'
              : 'Failed attempts from such sources are typical of password spraying; they matter if the same source later succeeds.'),
          nextSteps: [
            `Pivot on the IP ${first.clientIp ?? ''} and on the session id${first.sessionId ? ` ${first.sessionId}` : ''}: list everything done from them (search \`ip:${first.clientIp ?? ''}\`).`,
            `Ask ${user} whether they travelled or used a VPN at that time; compare with their usual countries and devices.`,
            "If not explained: revoke the user's sessions (Revoke-MgUserSignInSession), reset the password, review MFA methods registered around that time.",
            'Check the sign-in logs for the same IP / ASN against other users (lateral phishing, spraying).',
          ],
          eventIds: g.events.map((e) => e.id),
          actors: [user],
          firstUs: first.tsUs,
          lastUs: last.tsUs,
        });
      }
    }
    return findings;
  },
};
