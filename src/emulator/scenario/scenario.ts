/**
 * A generated scenario: the tenant, the planted storyline, and lazy access to every record of every
 * source by hour, by user or by blob. Pure and deterministic: the same options give the same
 * records, ids and truth, and the server serves exactly these.
 */
import { MailtrailError } from '../../shared/errors';
import { mix32 } from '../util/rng';
import { DAY, HOUR, parseInstant } from '../util/time';
import type { Distractor, ScenarioOptions, SourceName, StorylineStep, TruthCounts, TruthFilter } from '../types';
import { buildStub, type BuildEnv } from './build';
import { MailboxState } from './mailbox';
import {
  availableAt,
  blobCreated,
  blobGroup,
  isRepublished,
  stubContentType,
  USERS_PER_BLOB,
  type BlobKey,
  type ContentType,
} from './mgmt';
import {
  benignRules,
  compareStubs,
  idOf,
  localDay,
  planTenantDay,
  planUserDay,
  stubHash,
  type BenignRule,
  type Plan,
  type PlanContext,
  type Stub,
  type StubSource,
} from './plan';
import { attackDay, buildStoryline, STORYLINE_MIN_DAYS, type Storyline } from './storyline';
import { buildTenant, type Tenant, type User } from './tenant';

/** Scenario names. */
export const SCENARIOS = ['bec-basic', 'baseline'] as const;

/** The fixed default end (reproducible runs). */
export const DEFAULT_END = '2026-11-02T00:00:00Z';

/** Retention the emulated services apply (days), measured back from `now`. */
export const RETENTION_DAYS = { ual: 180, signins: 30, audits: 30, activities: 180, mgmt: 7 } as const;

/** Resolved scenario settings. */
export interface ScenarioConfig {
  scenario: string;
  seed: number;
  users: number;
  days: number;
  /** Range start and end (ms); `to` is also the services' clock (`now`). */
  from: number;
  to: number;
  now: number;
}

const PLAN_CACHE = 6000;
const HOUR_CACHE = 512;

/** A user filter: indices (−1 = the admin / tenant-level records), or null for everything. */
export type UserSet = ReadonlySet<number> | null;

/** The generated scenario. */
export class Scenario {
  readonly config: ScenarioConfig;
  readonly tenant: Tenant;
  readonly story: Storyline | null;
  readonly mailbox: MailboxState;
  readonly rules: BenignRule[];
  private readonly pc: PlanContext;
  private readonly plans = new Map<string, Plan>();
  private readonly hours = new Map<string, Stub[]>();
  private truthCache: TruthCounts | null = null;
  private storyWithMgmt: StorylineStep[] | null = null;

  constructor(opts: ScenarioOptions = {}) {
    const scenario = opts.scenario ?? 'bec-basic';
    if (!(SCENARIOS as readonly string[]).includes(scenario)) {
      throw new MailtrailError('INVALID_INPUT', `unknown scenario: ${scenario} (use ${SCENARIOS.join(', ')})`);
    }
    const seed = opts.seed ?? 7;
    const users = opts.users ?? 20;
    const days = opts.days ?? 14;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new MailtrailError('INVALID_INPUT', `seed must be an integer 0..4294967295: ${seed}`);
    if (!Number.isInteger(users) || users < 1 || users > 200_000)
      throw new MailtrailError('INVALID_INPUT', `users must be 1..200000: ${users}`);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new MailtrailError('INVALID_INPUT', `days must be 1..3650: ${days}`);
    if (scenario === 'bec-basic' && days < STORYLINE_MIN_DAYS) {
      throw new MailtrailError('INVALID_INPUT', `bec-basic needs at least ${STORYLINE_MIN_DAYS} days (got ${days})`);
    }
    const endText = opts.end ?? DEFAULT_END;
    const end = endText === 'now' ? Math.floor(Date.now() / HOUR) * HOUR : parseInstant(endText);
    if (!Number.isFinite(end)) throw new MailtrailError('INVALID_INPUT', `end is not an ISO instant: ${endText}`);
    const from = end - days * DAY;
    this.config = { scenario, seed, users, days, from, to: end, now: end };
    this.tenant = buildTenant(seed, users);
    this.rules = benignRules(seed, this.tenant, from, end);
    const rulesByDay = new Map<string, BenignRule[]>();
    for (const r of this.rules) {
      if (r.createdAt < from || r.createdAt >= end) continue;
      const key = `${r.u}:${localDay(this.tenant.users[r.u]!, r.createdAt)}`;
      rulesByDay.set(key, [...(rulesByDay.get(key) ?? []), r]);
    }
    const travelDays = new Set<number>();
    if (this.tenant.traveler >= 0 && days >= 4) {
      const t = this.tenant.users[this.tenant.traveler]!;
      const first = localDay(t, from) + Math.floor(days * 0.35);
      for (let d = 0; d < Math.min(3, days - 2); d++) travelDays.add(first + d);
    }
    const atWorkEarly = new Set<string>();
    if (scenario === 'bec-basic') {
      const victim = this.tenant.users[this.tenant.victim]!;
      atWorkEarly.add(`${victim.index}:${localDay(victim, attackDay(from, end) + 14 * HOUR)}`);
    }
    this.pc = { tenant: this.tenant, seed, travelDays, rulesByDay, atWorkEarly };
    this.story = scenario === 'bec-basic' ? buildStoryline(this.pc, from, end) : null;
    this.mailbox = new MailboxState(this.tenant, this.rules, this.story, end);
  }

  /** Scenario range as ISO strings. */
  get from(): string {
    return new Date(this.config.from).toISOString();
  }

  get to(): string {
    return new Date(this.config.to).toISOString();
  }

  /** Mailbox users' UPNs. */
  get users(): string[] {
    return this.tenant.users.map((u) => u.upn);
  }

  /** The planted storyline (empty for `baseline`); `mgmt` lists the UAL ids the Management API serves. */
  get storyline(): StorylineStep[] {
    if (!this.story) return [];
    if (!this.storyWithMgmt) {
      const victim = this.tenant.users[this.tenant.victim]!.upn;
      const mgmt = new Set(this.truthIds('mgmt', { users: [victim] }));
      this.storyWithMgmt = this.story.steps.map((step) => {
        const ual = step.records.ual ?? [];
        const served = ual.filter((id) => mgmt.has(id));
        return served.length > 0 ? { ...step, records: { ...step.records, mgmt: served } } : step;
      });
    }
    return this.storyWithMgmt;
  }

  /** Benign but notable activity (false-positive bait). */
  get distractors(): Distractor[] {
    const out: Distractor[] = [];
    if (this.pc.travelDays.size > 0) {
      const u = this.tenant.traveler;
      const ids: string[] = [];
      for (const ld of [...this.pc.travelDays].sort((a, b) => a - b)) {
        for (const s of this.plan(u, ld).bySrc.signins) if (s.t >= this.config.from && s.t < this.config.to) ids.push(idOf(s));
      }
      out.push({
        id: 'business-trip',
        title: `${this.tenant.users[u]!.upn} works from Berlin for a few days (normal browser, plausible travel time)`,
        records: { signins: ids },
      });
    }
    return out;
  }

  /** The window each time-based source serves, [lo, hi) in ms. */
  window(src: StubSource): [number, number] {
    const { from, to, now } = this.config;
    const keep = RETENTION_DAYS[src] * DAY;
    return [Math.max(from, now - keep), to];
  }

  /** The Management API horizon on `contentCreated`, [lo, hi). */
  mgmtWindow(): [number, number] {
    const { from, now } = this.config;
    return [Math.max(from, now - RETENTION_DAYS.mgmt * DAY), now];
  }

  /** A user's plan for a local day (cached). */
  plan(u: number, ld: number, cache = true): Plan {
    const key = `${u}:${ld}`;
    const hit = this.plans.get(key);
    if (hit) {
      // Refresh LRU position.
      this.plans.delete(key);
      this.plans.set(key, hit);
      return hit;
    }
    const p = u < 0 ? planTenantDay(this.pc, ld) : planUserDay(this.pc, u, ld);
    if (cache) {
      this.plans.set(key, p);
      if (this.plans.size > PLAN_CACHE) this.plans.delete(this.plans.keys().next().value!);
    }
    return p;
  }

  /** The user of an index (−1 = admin). */
  user(u: number): User {
    return u < 0 ? this.tenant.admin : this.tenant.users[u]!;
  }

  /** Resolves UPNs to a user set (unknown names select nothing). */
  userSet(upns: readonly string[] | undefined): UserSet {
    if (!upns) return null;
    const set = new Set<number>();
    for (const upn of upns) {
      const l = upn.toLowerCase();
      if (l === this.tenant.admin.upn.toLowerCase()) set.add(-1);
      const u = this.tenant.byUpn.get(l);
      if (u) set.add(u.index);
    }
    return set;
  }

  private env(stub: Stub): BuildEnv {
    return { tenant: this.tenant, plan: stub.rec ? EMPTY_PLAN : this.plan(stub.u, stub.ld), rules: this.rules };
  }

  /** The Microsoft record of a stub. */
  build(stub: Stub): Record<string, unknown> {
    return buildStub(this.env(stub), stub);
  }

  private userIndices(users: UserSet): number[] {
    if (users) return [...users].sort((a, b) => a - b);
    const all = this.tenant.users.map((u) => u.index);
    return [-1, ...all];
  }

  /**
   * Stubs of `src` with time in [lo, hi) for the users (each user's in time order, users one after
   * another, storyline last). Sweeps do not fill the plan cache.
   */
  *stubs(src: StubSource, lo: number, hi: number, users: UserSet = null): Generator<Stub> {
    if (hi <= lo) return;
    for (const u of this.userIndices(users)) {
      const first = u < 0 ? Math.floor(lo / DAY) : localDay(this.user(u), lo);
      const last = u < 0 ? Math.floor((hi - 1) / DAY) : localDay(this.user(u), hi - 1);
      // One day either side: a day's plan can start a little before its local midnight or run past it.
      for (let ld = first - 1; ld <= last + 1; ld++) {
        const key = `${u}:${ld}`;
        const p = this.plans.get(key) ?? this.plan(u, ld, false);
        for (const s of p.bySrc[src]) if (s.t >= lo && s.t < hi) yield s;
      }
    }
    if (this.story && (!users || users.has(this.tenant.victim))) {
      for (const s of this.story.stubs) if (s.src === src && s.t >= lo && s.t < hi) yield s;
    }
  }

  /** Stubs of `src` in UTC hour `hour` (ms / HOUR) for the users, sorted by time then id (a copy). */
  hour(src: StubSource, hour: number, users: UserSet = null): Stub[] {
    const key = `${src}|${hour}|${users ? [...users].sort((a, b) => a - b).join(',') : '*'}`;
    let hit = this.hours.get(key);
    if (hit) {
      this.hours.delete(key);
    } else {
      hit = this.computeHour(src, hour, users);
    }
    this.hours.set(key, hit);
    if (this.hours.size > HOUR_CACHE) this.hours.delete(this.hours.keys().next().value!);
    return hit.slice();
  }

  private computeHour(src: StubSource, hour: number, users: UserSet): Stub[] {
    const lo = hour * HOUR;
    const hi = lo + HOUR;
    const out: Stub[] = [];
    for (const u of this.userIndices(users)) {
      // Every local day whose plan can hold times in [lo, hi): an hour can straddle local midnight
      // (half-hour zones), and a day's plan can start a little before its midnight or run past it.
      const first = u < 0 ? Math.floor(lo / DAY) : localDay(this.user(u), lo);
      const last = u < 0 ? Math.floor((hi - 1) / DAY) : localDay(this.user(u), hi - 1);
      for (let ld = first - 1; ld <= last + 1; ld++) {
        const list = this.plan(u, ld).bySrc[src];
        let i = lowerBound(list, lo);
        for (; i < list.length && list[i]!.t < hi; i++) out.push(list[i]!);
      }
    }
    if (this.story && (!users || users.has(this.tenant.victim))) {
      for (const s of this.story.stubs) if (s.src === src && s.t >= lo && s.t < hi) out.push(s);
    }
    return out.sort(compareStubs);
  }

  /** Stubs of one user for a source in [lo, hi), sorted by time then id. */
  userStubs(src: StubSource, u: number, lo: number, hi: number): Stub[] {
    const out = [...this.stubs(src, lo, hi, new Set([u]))];
    return out.sort(compareStubs);
  }

  // --- Management API blobs --------------------------------------------------------------------

  /** Number of blob groups. */
  get blobGroups(): number {
    return Math.max(1, Math.ceil(this.tenant.users.length / USERS_PER_BLOB));
  }

  private groupUsers(group: number): Set<number> {
    const set = new Set<number>();
    for (let u = group * USERS_PER_BLOB; u < Math.min(this.tenant.users.length, (group + 1) * USERS_PER_BLOB); u++) set.add(u);
    if (group === 0) set.add(-1);
    return set;
  }

  /** The records of a blob, in the blob's (shuffled) order. Empty for unknown/empty blobs. */
  blob(key: BlobKey): Stub[] {
    const [ulo, uhi] = this.window('ual');
    const lo = Math.max(ulo, key.hour * HOUR - 3 * HOUR);
    const hi = Math.min(uhi, key.hour * HOUR + HOUR);
    const out: Stub[] = [];
    for (const s of this.stubs('ual', lo, hi, this.groupUsers(key.group))) {
      if (stubContentType(s) !== key.contentType) continue;
      const h = Math.floor(availableAt(s) / HOUR);
      if (h === key.hour || (h === key.hour - 1 && isRepublished(s))) out.push(s);
    }
    const salt = mix32(key.hour ^ (key.group << 16));
    return out
      .map((s) => ({ s, k: mix32(stubHash(s) ^ salt) }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.s);
  }

  /** The non-empty blobs of a content type with `contentCreated` in [lo, hi), oldest first. */
  blobsCreated(contentType: ContentType, lo: number, hi: number): { key: BlobKey; created: number }[] {
    const out: { key: BlobKey; created: number }[] = [];
    if (contentType !== 'Audit.Exchange' && contentType !== 'Audit.AzureActiveDirectory') return out;
    const [mlo, mhi] = this.mgmtWindow();
    const a = Math.max(lo, mlo);
    const b = Math.min(hi, mhi);
    if (b <= a) return out;
    for (let hour = Math.floor(a / HOUR) - 1; hour * HOUR < b; hour++) {
      for (let g = 0; g < this.blobGroups; g++) {
        const created = blobCreated(hour, g);
        if (created < a || created >= b) continue;
        const key = { contentType, hour, group: g };
        if (this.blob(key).length > 0) out.push({ key, created });
      }
    }
    return out.sort((x, y) => x.created - y.created || x.key.group - y.key.group);
  }

  /** Whether a blob is inside the 7-day horizon (retrievable). */
  blobRetrievable(key: BlobKey): boolean {
    const [lo, hi] = this.mgmtWindow();
    const c = blobCreated(key.hour, key.group);
    return c >= lo && c < hi;
  }

  // --- Truth -------------------------------------------------------------------------------------

  /** Distinct records per source for all users over the range, as the server serves them. */
  truth(): TruthCounts {
    if (!this.truthCache) {
      // One sweep over every plan (each is generated once) counts every source.
      const counts: TruthCounts = { ual: 0, mgmt: 0, signins: 0, audits: 0, mailbox: 0, activities: 0 };
      const win = {
        ual: this.window('ual'),
        signins: this.window('signins'),
        audits: this.window('audits'),
        activities: this.window('activities'),
      };
      const [mlo, mhi] = this.mgmtWindow();
      const { from, to } = this.config;
      const visit = (s: Stub): void => {
        const [lo, hi] = win[s.src];
        if (s.t >= lo && s.t < hi) counts[s.src]++;
        if (s.src === 'ual' && s.t >= lo && s.t < hi && this.inMgmt(s, mlo, mhi)) counts.mgmt++;
      };
      for (const u of this.userIndices(null)) {
        const first = u < 0 ? Math.floor(from / DAY) : localDay(this.user(u), from);
        const last = u < 0 ? Math.floor((to - 1) / DAY) : localDay(this.user(u), to - 1);
        for (let ld = first - 1; ld <= last + 1; ld++) {
          const p = this.plans.get(`${u}:${ld}`) ?? this.plan(u, ld, false);
          for (const list of Object.values(p.bySrc)) for (const s of list) visit(s);
        }
      }
      for (const s of this.story?.stubs ?? []) visit(s);
      counts.mailbox = this.count('mailbox');
      this.truthCache = counts;
    }
    return { ...this.truthCache };
  }

  private inMgmt(s: Stub, a: number, b: number): boolean {
    const h = Math.floor(availableAt(s) / HOUR);
    const g = blobGroup(s.u);
    const c1 = blobCreated(h, g);
    if (c1 >= a && c1 < b) return true;
    const c2 = blobCreated(h + 1, g);
    return isRepublished(s) && c2 >= a && c2 < b;
  }

  /** Counts for a filter (users and/or a sub-range). */
  count(source: SourceName, filter: TruthFilter = {}): number {
    let n = 0;
    for (const _ of this.truthIds(source, filter)) n++;
    return n;
  }

  /** The record ids a source serves (for exact comparisons). Mailbox ids are `kind:…` strings. */
  *truthIds(source: SourceName, filter: TruthFilter = {}): Generator<string> {
    const users = this.userSet(filter.users);
    const fLo = filter.from ? parseInstant(filter.from) : -Infinity;
    const fHi = filter.to ? parseInstant(filter.to) : Infinity;
    if (source === 'mailbox') {
      const list = users ? this.tenant.users.filter((u) => users.has(u.index)) : this.tenant.users;
      yield* this.mailbox.ids(list);
      return;
    }
    if (source === 'mgmt') {
      const [lo, hi] = this.mgmtWindow();
      const a = Math.max(lo, fLo);
      const b = Math.min(hi, fHi);
      const [ulo, uhi] = this.window('ual');
      for (const s of this.stubs('ual', Math.max(ulo, a - 4 * HOUR), Math.min(uhi, b), users)) {
        if (this.inMgmt(s, a, b)) yield idOf(s);
      }
      return;
    }
    const [lo, hi] = this.window(source);
    for (const s of this.stubs(source, Math.max(lo, fLo), Math.min(hi, fHi), users)) yield idOf(s);
  }
}

const EMPTY_PLAN: Plan = {
  u: -1,
  ld: 0,
  dayStart: 0,
  ctx: {
    active: false,
    where: 'home',
    ip: '',
    sessionId: '',
    clientSessionId: '',
    uti: '',
    signinAt: 0,
    correlationId: '',
    country: '',
    city: '',
    state: '',
    lat: 0,
    lon: 0,
  },
  msgs: [],
  sent: [],
  bySrc: { ual: [], signins: [], audits: [], activities: [] },
};

function lowerBound(list: readonly Stub[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Generates a scenario (pure and deterministic from the options). */
export function generateScenario(opts: ScenarioOptions = {}): Scenario {
  return new Scenario(opts);
}
