/**
 * Fault injection: named profiles and the per-request decision. A rule fires by rate (a draw from
 * the profile seed and the request's ordinal, so a sequential client sees the same faults on every
 * run), by schedule (`at`, `every`) or both, optionally capped by `limit`.
 */
import { MailtrailError } from '../shared/errors';
import { permute128 } from './util/rng';
import { FAULT_KINDS, type FaultKind, type FaultProfile, type FaultRule, type FaultTarget, type RateLimit } from './types';

const ALL_SOURCES: readonly FaultTarget[] = ['ual', 'mgmt', 'signins', 'audits', 'mailbox', 'activities'];

/** Faults decided before a request reaches its handler (the others are decided by handlers). */
export const TRANSPORT_FAULTS: readonly FaultKind[] = ['throttle', 'error500', 'error503', 'drop', 'unauthorized', 'revokeTokens'];

/** The named profiles. */
export const FAULT_PROFILES: Readonly<Record<string, FaultProfile>> = Object.freeze({
  none: { name: 'none', rules: [] },
  /** A bad day at Microsoft: occasional throttling, server errors, cut connections, stuck queries. */
  flaky: {
    name: 'flaky',
    rules: [
      { target: '*', kind: 'throttle', rate: 0.1 },
      { target: '*', kind: 'error500', rate: 0.02 },
      { target: '*', kind: 'error503', rate: 0.01 },
      { target: '*', kind: 'drop', rate: 0.01 },
      { target: '*', kind: 'repeatPage', rate: 0.03 },
      { target: 'ual', kind: 'stuckQuery', rate: 0.1 },
      { target: '*', kind: 'unauthorized', rate: 0.01 },
    ],
  },
  /** Everything at once, often: a collector that survives this survives production. */
  hostile: {
    name: 'hostile',
    rules: [
      { target: '*', kind: 'throttle', rate: 0.2 },
      { target: '*', kind: 'error500', rate: 0.05 },
      { target: '*', kind: 'error503', rate: 0.03 },
      { target: '*', kind: 'drop', rate: 0.03 },
      { target: '*', kind: 'repeatPage', rate: 0.05 },
      { target: '*', kind: 'unauthorized', rate: 0.02 },
      { target: '*', kind: 'revokeTokens', at: [40] },
      { target: 'ual', kind: 'stuckQuery', rate: 0.25 },
      { target: 'ual', kind: 'oversizeWindow', rate: 0.25 },
    ],
  },
  /** The collector benchmark: 10% throttling and 2% server errors. */
  bench: {
    name: 'bench',
    rules: [
      { target: '*', kind: 'throttle', rate: 0.1 },
      { target: '*', kind: 'error500', rate: 0.01 },
      { target: '*', kind: 'error503', rate: 0.01 },
    ],
  },
});

/** Resolves a profile name or checks a programmatic profile. */
export function resolveFaultProfile(value: FaultProfile | string | undefined): FaultProfile {
  if (value === undefined) return FAULT_PROFILES.none!;
  if (typeof value === 'string') {
    const p = FAULT_PROFILES[value];
    if (!p) throw new MailtrailError('INVALID_INPUT', `unknown fault profile: ${value} (use ${Object.keys(FAULT_PROFILES).join(', ')})`);
    return p;
  }
  for (const [i, r] of value.rules.entries()) {
    if (!FAULT_KINDS.includes(r.kind)) throw new MailtrailError('INVALID_INPUT', `fault rule ${i + 1}: unknown kind ${String(r.kind)}`);
    if (r.target !== '*' && r.target !== 'identity' && !ALL_SOURCES.includes(r.target)) {
      throw new MailtrailError('INVALID_INPUT', `fault rule ${i + 1}: unknown target ${String(r.target)}`);
    }
    if (r.rate !== undefined && !(r.rate >= 0 && r.rate <= 1))
      throw new MailtrailError('INVALID_INPUT', `fault rule ${i + 1}: rate must be within 0..1`);
    if (r.rate === undefined && r.at === undefined && r.every === undefined) {
      throw new MailtrailError('INVALID_INPUT', `fault rule ${i + 1}: give rate, at or every`);
    }
  }
  return value;
}

/** A decided fault. */
export interface FaultHit {
  kind: FaultKind;
  retryAfterSec: number;
}

interface RuleState {
  rule: FaultRule;
  index: number;
  /** Eligible events seen, per target. */
  seen: Map<FaultTarget, number>;
  fired: number;
}

/** Decides faults for one running emulator. */
export class FaultInjector {
  private profile: FaultProfile;
  private states: RuleState[] = [];
  private seed: number;

  constructor(profile: FaultProfile, defaultSeed: number) {
    this.profile = profile;
    this.seed = profile.seed ?? defaultSeed;
    this.reset(profile);
  }

  /** The active profile. */
  get active(): FaultProfile {
    return this.profile;
  }

  /** Replaces the profile (counters restart). */
  reset(profile: FaultProfile): void {
    this.profile = profile;
    this.seed = profile.seed ?? this.seed;
    this.states = profile.rules.map((rule, index) => ({ rule, index, seen: new Map(), fired: 0 }));
  }

  /**
   * The first transport fault that fires for this request of `target`, or null. Every rule of a
   * transport kind that covers the target counts the request, whether or not an earlier rule fired.
   */
  transport(target: FaultTarget): FaultHit | null {
    let hit: FaultHit | null = null;
    for (const s of this.states) {
      if (!TRANSPORT_FAULTS.includes(s.rule.kind)) continue;
      if (this.fires(s, target) && !hit) hit = { kind: s.rule.kind, retryAfterSec: s.rule.retryAfterSec ?? 1 };
    }
    return hit;
  }

  /** Whether a handler-level fault (`stuckQuery`, `repeatPage`, `oversizeWindow`) fires now. */
  event(target: FaultTarget, kind: FaultKind): boolean {
    let fired = false;
    for (const s of this.states) {
      if (s.rule.kind !== kind) continue;
      if (this.fires(s, target)) fired = true;
    }
    return fired;
  }

  private fires(s: RuleState, target: FaultTarget): boolean {
    const r = s.rule;
    if (r.target === '*' ? target === 'identity' : r.target !== target) return false;
    const n = (s.seen.get(target) ?? 0) + 1;
    s.seen.set(target, n);
    if (r.limit !== undefined && s.fired >= r.limit) return false;
    let fire = false;
    if (r.at?.includes(n)) fire = true;
    if (r.every !== undefined && r.every > 0 && n % r.every === 0) fire = true;
    if (!fire && r.rate !== undefined && r.rate > 0) {
      const [w] = permute128(this.seed, 0x0fa17 + s.index, targetCode(target), n);
      fire = w / 4294967296 < r.rate;
    }
    if (fire) s.fired++;
    return fire;
  }
}

function targetCode(t: FaultTarget): number {
  return ['identity', ...ALL_SOURCES].indexOf(t) + 1;
}

/** Default allowed rates (requests per second, burst). Explicit so a benchmark can report a ratio. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<FaultTarget, RateLimit>> = Object.freeze({
  identity: { requestsPerSecond: 500, burst: 500 },
  ual: { requestsPerSecond: 500, burst: 500 },
  mgmt: { requestsPerSecond: 500, burst: 500 },
  signins: { requestsPerSecond: 500, burst: 500 },
  audits: { requestsPerSecond: 500, burst: 500 },
  mailbox: { requestsPerSecond: 500, burst: 500 },
  activities: { requestsPerSecond: 500, burst: 500 },
});

/** A token bucket per target. */
export class RateLimiter {
  private readonly buckets = new Map<FaultTarget, { tokens: number; at: number }>();

  constructor(private readonly limits: Readonly<Record<FaultTarget, RateLimit>>) {}

  /** The limit of a target. */
  limit(target: FaultTarget): RateLimit {
    return this.limits[target];
  }

  /** Takes a token; returns 0 when allowed, else the seconds until one is available (≥ 1). */
  take(target: FaultTarget, nowMs: number = Date.now()): number {
    const l = this.limits[target];
    if (!(l.requestsPerSecond > 0)) return 0;
    const b = this.buckets.get(target) ?? { tokens: l.burst, at: nowMs };
    b.tokens = Math.min(l.burst, b.tokens + ((nowMs - b.at) / 1000) * l.requestsPerSecond);
    b.at = nowMs;
    this.buckets.set(target, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / l.requestsPerSecond));
  }
}
