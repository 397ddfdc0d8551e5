/**
 * The analyzer contract. Each analyzer (`analyzers/<id>.ts`) reads the case through an
 * {@link AnalysisContext} and returns findings; later analyzers read the signals earlier ones left
 * (anomalous sign-ins, suspicious IPs and sessions, attacker actions), which is how the BEC
 * storyline chains them.
 */
import type { ReferenceNames } from '../reference-names';
import type { FindingSeverity } from '../../../shared/model/analysis';
import type { IpInfo } from '../../enrich/ip-enricher';
import type { UserAgentInfo } from '../../enrich/user-agent';
import type { AnalysisEvent } from '../../store/analysis-repo';
import type { Db } from '../../store/database';

export type { AnalysisEvent };

/** What an analyzer returns for one finding. */
export interface AnalyzerFinding {
  /** Stable identity within the analyzer (re-runs update the same finding). */
  fingerprint: string;
  kind?: 'finding' | 'gap';
  severity: FindingSeverity;
  title: string;
  /** Why it matters, as an experienced examiner would explain it. */
  why: string;
  nextSteps: string[];
  eventIds: number[];
  actors: string[];
  firstUs?: number | null;
  lastUs?: number | null;
}

/** A sign-in judged anomalous, shared with later analyzers. */
export interface AnomalousSignin {
  event: AnalysisEvent;
  severity: FindingSeverity;
  reasons: string[];
}

/** An action an attacker takes after access (rule, forwarding, send, consent), shared with the storyline. */
export interface SuspiciousAction {
  event: AnalysisEvent;
  kind: 'rule' | 'forwarding' | 'send' | 'consent';
  severity: FindingSeverity;
  reason: string;
}

/** Signals analyzers leave for the ones after them. */
export interface Signals {
  /** Anomalous sign-ins by event id. */
  anomalousSignins: Map<number, AnomalousSignin>;
  /** IPs of anomalous successful sign-ins: the user(s) they were anomalous for and the worst severity. */
  suspiciousIps: Map<string, { users: Set<string>; severity: FindingSeverity }>;
  /** Session ids of anomalous successful sign-ins, with the worst severity. */
  suspiciousSessions: Map<string, FindingSeverity>;
  /** Attacker-like actions by event id. */
  actions: Map<number, SuspiciousAction>;
}

/** What analyzers can read. */
export interface AnalysisContext {
  db: Db;
  /** Reference "now" of the run (µs). */
  nowUs: number;
  /** Everything known about an IP (offline databases; cached). */
  ip(ip: string): IpInfo;
  /** Parsed user agent (cached). */
  ua(ua: string): UserAgentInfo;
  /** Approximate centre of a country, for distance estimates. */
  countryCentre(code: string): { lat: number; lon: number; name: string } | null;
  /** True when `address` belongs to one of the tenant's domains (seen as mailbox/actor domains). */
  isInternalAddress(address: string): boolean;
  /** Ids of events the examiner tagged as confirmed bad (`malicious`, `confirmed`, `compromised`, `attacker`). */
  confirmedBadEventIds(): number[];
  /** Names from the acquisition's reference data (service principals, folder lists). */
  names: ReferenceNames;
  signals: Signals;
}

/** One analyzer of the registry. */
export interface Analyzer {
  id: string;
  title: string;
  /** One paragraph: what it flags and why. */
  description: string;
  run(ctx: AnalysisContext): AnalyzerFinding[];
}

/**
 * How suspicious the context of an event is: the worst severity of an anomalous sign-in that shares
 * its session id or IP, or null when neither is flagged.
 */
export function contextSeverity(ctx: AnalysisContext, e: Pick<AnalysisEvent, 'sessionId' | 'clientIp'>): FindingSeverity | null {
  const bySession = e.sessionId ? ctx.signals.suspiciousSessions.get(e.sessionId) : undefined;
  const byIp = e.clientIp ? ctx.signals.suspiciousIps.get(e.clientIp)?.severity : undefined;
  if (!bySession && !byIp) return null;
  if (!bySession) return byIp!;
  if (!byIp) return bySession;
  return maxSeverity(bySession, byIp);
}

/** Severity order helpers. */
export const SEVERITY_RANK: Record<FindingSeverity, number> = { info: 0, low: 1, medium: 2, high: 3 };

/** The higher of two severities. */
export function maxSeverity(a: FindingSeverity, b: FindingSeverity): FindingSeverity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** True when an event reports success (normalizers write `success`; sign-ins also carry errorCode 0). */
export function succeeded(e: AnalysisEvent): boolean {
  if (e.attrs.signin && e.attrs.signin.errorCode !== null && e.attrs.signin.errorCode !== undefined) return e.attrs.signin.errorCode === 0;
  return e.result === null || e.result === 'success' || e.result === 'succeeded' || e.result === 'true' || e.result === 'partial';
}

/** ISO text of a µs time, for finding texts (UTC). */
export function iso(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().replace('.000Z', 'Z');
}

/** Short description of where an event came from: `185.73.1.9 (EE, AS210734 IPHOSTER OU)`. */
export function where(e: Pick<AnalysisEvent, 'clientIp' | 'country' | 'asn' | 'asOrg'>): string {
  if (!e.clientIp) return 'an unknown address';
  const bits = [e.country, e.asn !== null ? `AS${e.asn}${e.asOrg ? ` ${e.asOrg}` : ''}` : null].filter(Boolean);
  return bits.length ? `${e.clientIp} (${bits.join(', ')})` : e.clientIp;
}
