/**
 * Day plans: what one user did on one local day (or what the tenant did on one UTC day), as small
 * record stubs. A stub is one record of one source; builders turn it into the exact Microsoft shape
 * on demand. Plans come from a generator seeded by (seed, user, day) alone, so any day of any user
 * can be produced in isolation: nothing is ever materialised for the whole range.
 */
import { Rng, bytesFromWords, hashString, mix32 } from '../util/rng';
import { DAY, HOUR, MIN, SEC } from '../util/time';
import { INBOUND_SUBJECTS, OUTBOUND_SUBJECTS, PARTNERS, SEARCH_TERMS, TRAVEL_PLACE } from './constants';
import { TAG, exchangeId, gid, words, type Tenant, type User } from './tenant';

/** The record-bearing sources (mailbox state is not time-based; mgmt is the UAL by blob). */
export type StubSource = 'ual' | 'signins' | 'audits' | 'activities';

/** Kinds of stub (one record each). */
export type StubKind =
  | 'si.interactive'
  | 'si.fail'
  | 'si.noninteractive'
  | 'si.sp'
  | 'ual.login'
  | 'ual.loginFail'
  | 'ual.bind'
  | 'ual.sync'
  | 'ual.send'
  | 'ual.delete'
  | 'ual.rule'
  | 'ual.dir'
  | 'aud.dir'
  | 'act.serverLogon'
  | 'act.logon'
  | 'act.delivered'
  | 'act.readStart'
  | 'act.markRead'
  | 'act.readEnd'
  | 'act.sent'
  | 'act.reply'
  | 'act.delete'
  | 'act.search'
  | 'story';

/** One record, before it is built. */
export interface Stub {
  src: StubSource;
  k: StubKind;
  /** Event time, ms UTC. */
  t: number;
  /** The record id (UAL `Id`, sign-in `id`, directory audit `id`, activity `Id`); see {@link idOf}. */
  id?: string;
  /** User index, -1 for tenant-level records. */
  u: number;
  /** Local day (tenant plans: UTC day) of the plan the stub belongs to. */
  ld: number;
  /** Ordinal within the plan. */
  n: number;
  /** Scenario seed (ids derive from it). */
  seed: number;
  /** A referenced message / sent item / event index, or -1. */
  a: number;
  /** More references (messages of a Bind, folder keys, …). */
  b?: number[];
  /** UAL `Operation` and `RecordType` (so filters need not build the record). */
  op?: string;
  rt?: number;
  /** Prebuilt record (storyline). */
  rec?: Record<string, unknown>;
  /** Storyline step id. */
  step?: string;
}

/** A message received. */
export interface Msg {
  i: number;
  t: number;
  fromName: string;
  fromAddress: string;
  internal: boolean;
  subject: string;
  /** Hash words its ids derive from (see {@link msgIds}). */
  w: [number, number, number, number];
  /** Host part of its Internet message id. */
  host: string;
  size: number;
  /** When it was read, or -1. */
  readAt: number;
}

/** A message sent. */
export interface Sent {
  i: number;
  t: number;
  toName: string;
  toAddress: string;
  subject: string;
  w: [number, number, number, number];
  host: string;
  size: number;
  /** Message replied to, or -1. */
  replyTo: number;
}

/** The ids of a message: Internet message id, REST id (`AAMk…`), UAL item id (`RgAAAA…`). */
export function msgIds(m: Msg | Sent): { imid: string; restId: string; ualId: string } {
  return { imid: imid(m.w, m.host), restId: exchangeId('rest', m.w), ualId: exchangeId('item', m.w) };
}

/** Context shared by the records of one day. */
export interface DayCtx {
  active: boolean;
  where: 'office' | 'home' | 'travel';
  ip: string;
  /** Entra session (sign-in `sessionId`, UAL `SessionId`, `AADSessionId`). */
  sessionId: string;
  /** Activities `ClientSessionId` of the day's client session. */
  clientSessionId: string;
  /** Token id of the interactive sign-in (`uniqueTokenIdentifier`, `UniqueTokenId`). */
  uti: string;
  signinAt: number;
  correlationId: string;
  /** City/country for sign-in locations. */
  country: string;
  city: string;
  state: string;
  lat: number;
  lon: number;
}

/** What one user did on one local day. */
export interface Plan {
  u: number;
  ld: number;
  /** UTC ms of the local midnight that starts the day. */
  dayStart: number;
  ctx: DayCtx;
  msgs: Msg[];
  sent: Sent[];
  /** Stubs per source, sorted by time then id. */
  bySrc: Record<StubSource, Stub[]>;
  /** Tenant plans: the day's directory changes. */
  dir?: DirEvent[];
}

/** A benign inbox rule that exists in the mailbox (and may have been created in range). */
export interface BenignRule {
  u: number;
  ruleIndex: number;
  id: string;
  name: string;
  createdAt: number;
  kind: 'newsletters' | 'escalations' | 'timesheets';
  sequence: number;
}

/** Scenario facts the planner needs. */
export interface PlanContext {
  tenant: Tenant;
  seed: number;
  /** Travel days of the traveller (local days), empty when none. */
  travelDays: ReadonlySet<number>;
  /** Benign rules created on a local day, by `${u}:${ld}`. */
  rulesByDay: ReadonlyMap<string, BenignRule[]>;
  /** `${u}:${ld}` days a user must be at work early (the victim on the attack day). */
  atWorkEarly?: ReadonlySet<string>;
}

const SRC_TAG: Record<StubSource, number> = { ual: TAG.ual, signins: TAG.signin, audits: TAG.audit, activities: TAG.activity };

/** The record id of a stub (computed once, on first use). */
export function idOf(s: Stub): string {
  return (s.id ??= stubId(s.seed, s.src, s.u, s.ld, s.n));
}

/** A cheap 32-bit hash of a stub's identity (for blob placement; no id string needed). */
export function stubHash(s: Stub): number {
  if (s.rec) return hashString(idOf(s));
  return mix32(s.n ^ mix32(s.u + 1) ^ mix32(Math.imul(s.ld, 0x9e3779b1)) ^ mix32(s.seed + SRC_TAG[s.src]));
}

/** The record id of a stub at these coordinates. */
export function stubId(seed: number, src: StubSource, u: number, ld: number, n: number): string {
  if (src === 'activities') return exchangeId('rest', words(seed, TAG.activity, u + 1, ld, n));
  if (src === 'audits') {
    const w = words(seed, TAG.audit, u + 1, ld, n);
    const corr = gid(seed, TAG.audit, u + 1, ld, n);
    const tag = (w[2] >>> 0)
      .toString(36)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .padEnd(5, 'X')
      .slice(0, 5);
    return `Directory_${corr}_${tag}_${w[3] % 900_000_000}`;
  }
  return gid(seed, SRC_TAG[src], u + 1, ld, n);
}

/** Operation and RecordType per UAL kind. */
export const UAL_OPS: Partial<Record<StubKind, { op: string; rt: number }>> = {
  'ual.login': { op: 'UserLoggedIn', rt: 15 },
  'ual.loginFail': { op: 'UserLoginFailed', rt: 15 },
  'ual.bind': { op: 'MailItemsAccessed', rt: 50 },
  'ual.sync': { op: 'MailItemsAccessed', rt: 50 },
  'ual.send': { op: 'Send', rt: 2 },
  'ual.delete': { op: 'MoveToDeletedItems', rt: 3 },
  'ual.rule': { op: 'New-InboxRule', rt: 1 },
};

/** Day of week of a day number (0 = Sunday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The local day of a user that contains UTC instant `ms`. */
export function localDay(user: User | null, ms: number): number {
  const off = user ? user.place.tzOffsetMin * MIN : 0;
  return Math.floor((ms + off) / DAY);
}

class StubSink {
  private n = 0;
  readonly bySrc: Record<StubSource, Stub[]> = { ual: [], signins: [], audits: [], activities: [] };
  constructor(
    private readonly seed: number,
    private readonly u: number,
    private readonly ld: number,
  ) {}

  add(src: StubSource, k: StubKind, t: number, a = -1, b?: number[]): Stub {
    const n = this.n++;
    // UAL times are whole seconds (CreationTime has no fraction), so filters see what clients see.
    const time = src === 'ual' ? Math.floor(t / 1000) * 1000 : Math.floor(t);
    const s: Stub = { src, k, t: time, u: this.u, ld: this.ld, n, seed: this.seed, a };
    if (b) s.b = b;
    const op = UAL_OPS[k];
    if (op) {
      s.op = op.op;
      s.rt = op.rt;
    }
    this.bySrc[src].push(s);
    return s;
  }

  sorted(): Record<StubSource, Stub[]> {
    for (const list of Object.values(this.bySrc)) list.sort(compareStubs);
    return this.bySrc;
  }
}

/** Orders stubs by time, then id. */
export function compareStubs(x: Stub, y: Stub): number {
  if (x.t !== y.t) return x.t - y.t;
  const a = idOf(x);
  const b = idOf(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

function fill(template: string, rng: Rng): string {
  return template.replace('{n}', String(rng.range(1000, 98999))).replace('{q}', String(rng.range(1, 4)));
}

function imid(w: readonly [number, number, number, number], host: string): string {
  const a = (w[0] >>> 0).toString(16).toUpperCase().padStart(8, '0');
  const b = (w[1] >>> 0).toString(16).toUpperCase().padStart(8, '0');
  const c = (w[2] >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `<${a}${b}${c}@${host}>`;
}

/** The Internet message id host of a tenant's outbound mail. */
export function tenantMailHost(t: Tenant): string {
  return `${t.server}.namprd${String(10 + (t.seed % 8)).padStart(2, '0')}.prod.outlook.com`;
}

/** Plans one user's local day. */
export function planUserDay(pc: PlanContext, u: number, ld: number): Plan {
  const { tenant, seed } = pc;
  const user = tenant.users[u]!;
  const rng = Rng.at(seed, TAG.plan, u + 1, ld);
  const dow = weekday(ld);
  const weekend = dow === 0 || dow === 6;
  const dayStart = ld * DAY - user.place.tzOffsetMin * MIN;
  const traveling = pc.travelDays.has(ld) && u === tenant.traveler;
  let active = traveling || (weekend ? rng.chance(0.12) : rng.chance(0.93));
  let startMin = weekend ? rng.range(600, 720) : rng.range(450, 570);
  let endMin = weekend ? startMin + rng.range(30, 120) : rng.range(990, 1110);
  const isTraveler = u === tenant.traveler && pc.travelDays.size > 0;
  if (traveling) {
    // Work Berlin hours, expressed in the home zone's day; the first travel day starts after the
    // flight (so the trip never looks like impossible travel).
    const shift = 60 - user.place.tzOffsetMin;
    const firstDay = !pc.travelDays.has(ld - 1);
    startMin = Math.max(0, (firstDay ? 780 : startMin) - shift);
    endMin = Math.max(startMin + 120, Math.min(1380, endMin - shift));
  } else if (isTraveler && pc.travelDays.has(ld - 1)) {
    // Back home: the first day starts late, after the flight.
    startMin = Math.max(startMin, 660);
    endMin = Math.max(endMin, startMin + 240);
  }
  // No late phone use on the evenings that border a flight.
  const flightEvening = isTraveler && pc.travelDays.has(ld) !== pc.travelDays.has(ld + 1);
  let where: DayCtx['where'] = traveling ? 'travel' : weekend ? 'home' : rng.chance(0.7) ? 'office' : 'home';
  if (pc.atWorkEarly?.has(`${u}:${ld}`)) {
    // The storyline needs the victim signed in at the office before the phishing mail arrives.
    active = true;
    where = 'office';
    startMin = Math.min(startMin, 470);
    endMin = Math.max(endMin, 1020);
  }
  const travelIp = `${TRAVEL_PLACE.net}.${(u % 200) + 20}.${(ld % 200) + 11}`;
  const ip = where === 'office' ? user.officeIp : where === 'home' ? user.homeIp : travelIp;
  const place = user.place;
  const ctx: DayCtx = {
    active,
    where,
    ip,
    sessionId: gid(seed, TAG.session, u + 1, ld, 0),
    clientSessionId: gid(seed, TAG.session, u + 1, ld, 1),
    uti: bytesFromWords(words(seed, TAG.session, u + 1, ld, 2))
      .toString('base64url')
      .slice(0, 22),
    signinAt: dayStart + startMin * MIN - rng.range(1, 5) * MIN - rng.int(60) * SEC,
    correlationId: gid(seed, TAG.session, u + 1, ld, 3),
    country: traveling ? TRAVEL_PLACE.country : place.country,
    city: traveling ? TRAVEL_PLACE.city : place.city,
    state: traveling ? TRAVEL_PLACE.state : place.state,
    lat: traveling ? TRAVEL_PLACE.lat : place.lat,
    lon: traveling ? TRAVEL_PLACE.lon : place.lon,
  };
  const sink = new StubSink(seed, u, ld);
  const workStart = dayStart + startMin * MIN;
  const workEnd = dayStart + endMin * MIN;
  const owa = user.client !== 'outlookDesktop';
  const mailHost = tenantMailHost(tenant);

  // Inbound mail, read during working hours.
  const msgs: Msg[] = [];
  const inbound = weekend ? rng.poisson(3) : rng.poisson(14);
  const others = tenant.users.length - 1;
  for (let i = 0; i < inbound; i++) {
    const t =
      active && rng.chance(0.75) ? workStart + rng.int(Math.max(1, endMin - startMin)) * MIN + rng.int(60_000) : dayStart + rng.int(DAY);
    const internal = others > 0 && rng.chance(0.55);
    let fromName: string;
    let fromAddress: string;
    if (internal) {
      const o = tenant.users[(u + 1 + rng.int(others)) % tenant.users.length]!;
      fromName = o.displayName;
      fromAddress = o.upn;
    } else {
      const p = rng.pick(PARTNERS);
      fromName = rng.pick(p.people);
      fromAddress = `${fromName.toLowerCase().replace(/[^a-z]+/g, '.')}@${p.domain}`;
    }
    const subject = fill(rng.pick(INBOUND_SUBJECTS), rng);
    if (subject === 'Your weekly industry digest') {
      fromName = 'Industry Weekly';
      fromAddress = 'digest@news.industryweekly.example';
    }
    const w = words(seed, TAG.message, u + 1, ld, i);
    const readable = active && t < workEnd;
    const readAt = readable && rng.chance(0.8) ? Math.max(t, workStart) + rng.range(1, 90) * MIN + rng.int(60_000) : -1;
    msgs.push({
      i,
      t,
      fromName,
      fromAddress,
      internal,
      subject,
      w,
      host: internal ? mailHost : fromAddress.slice(fromAddress.indexOf('@') + 1),
      size: rng.range(4_000, 400_000),
      readAt: readAt >= 0 && readAt < workEnd + 30 * MIN ? readAt : -1,
    });
  }
  for (const m of msgs) sink.add('activities', 'act.delivered', m.t + rng.range(200, 4000), m.i);

  if (active) {
    // Morning sign-in (sometimes after a mistyped password).
    if (rng.chance(0.04)) {
      sink.add('signins', 'si.fail', ctx.signinAt - 70 * SEC);
      sink.add('ual', 'ual.loginFail', ctx.signinAt - 69 * SEC);
    }
    sink.add('signins', 'si.interactive', ctx.signinAt);
    sink.add('ual', 'ual.login', ctx.signinAt + rng.range(300, 1500));
    sink.add('activities', 'act.serverLogon', ctx.signinAt + rng.range(1500, 3000));
    if (owa) sink.add('activities', 'act.logon', ctx.signinAt + rng.range(3000, 6000));
    // Token refreshes through the day.
    for (let t = ctx.signinAt + rng.range(50, 80) * MIN; t < workEnd; t += rng.range(55, 95) * MIN) {
      sink.add('signins', 'si.noninteractive', t + rng.int(60_000), 0);
    }
    if (!owa) {
      sink.add('ual', 'ual.sync', ctx.signinAt + 40 * SEC + rng.int(9000), -1, [0]);
      sink.add('ual', 'ual.sync', ctx.signinAt + 50 * SEC + rng.int(9000), -1, [1]);
    }
  }
  if (user.mobile && !weekend) {
    const evening = dayStart + rng.range(1140, 1320) * MIN;
    if (!flightEvening) sink.add('signins', 'si.noninteractive', evening, 1);
  }

  // Reading: reading pane, mark as read, and (for OWA) one Bind record per 2-minute window.
  const binds = new Map<number, number[]>();
  for (const m of msgs) {
    if (m.readAt < 0) continue;
    sink.add('activities', 'act.readStart', m.readAt, m.i);
    sink.add('activities', 'act.markRead', m.readAt + 1200 + rng.int(800), m.i);
    sink.add('activities', 'act.readEnd', m.readAt + rng.range(8, 180) * SEC, m.i);
    if (owa) {
      const key = Math.floor(m.readAt / (2 * MIN));
      const list = binds.get(key) ?? [];
      list.push(m.i);
      binds.set(key, list);
    }
  }
  for (const list of binds.values()) {
    const first = Math.min(...list.map((i) => msgs[i]!.readAt));
    sink.add('ual', 'ual.bind', first + rng.range(2, 40) * SEC, -1, list);
  }

  // Sending.
  const sent: Sent[] = [];
  if (active) {
    const count = weekend ? rng.int(2) : rng.poisson(4);
    const readMsgs = msgs.filter((m) => m.readAt >= 0);
    for (let i = 0; i < count; i++) {
      const replyTo = readMsgs.length > 0 && rng.chance(0.35) ? rng.pick(readMsgs) : null;
      const t = replyTo
        ? replyTo.readAt + rng.range(2, 40) * MIN
        : workStart + rng.int(Math.max(1, endMin - startMin)) * MIN + rng.int(60_000);
      if (t >= workEnd + 60 * MIN) continue;
      let toName: string;
      let toAddress: string;
      if (replyTo) {
        toName = replyTo.fromName;
        toAddress = replyTo.fromAddress;
      } else if (others > 0 && rng.chance(0.6)) {
        const o = tenant.users[(u + 1 + rng.int(others)) % tenant.users.length]!;
        toName = o.displayName;
        toAddress = o.upn;
      } else {
        const p = rng.pick(PARTNERS.slice(0, 4));
        toName = rng.pick(p.people);
        toAddress = `${toName.toLowerCase().replace(/[^a-z]+/g, '.')}@${p.domain}`;
      }
      const subject = replyTo
        ? replyTo.subject.startsWith('Re: ')
          ? replyTo.subject
          : `Re: ${replyTo.subject}`
        : fill(rng.pick(OUTBOUND_SUBJECTS), rng);
      const w = words(seed, TAG.sent, u + 1, ld, i);
      const s: Sent = {
        i: sent.length,
        t,
        toName,
        toAddress,
        subject,
        w,
        host: mailHost,
        size: rng.range(3_000, 250_000),
        replyTo: replyTo ? replyTo.i : -1,
      };
      sent.push(s);
      if (replyTo) sink.add('activities', 'act.reply', t - rng.range(20, 200) * SEC, s.i);
      sink.add('ual', 'ual.send', t, s.i);
      sink.add('activities', 'act.sent', t + rng.range(300, 2000), s.i);
    }
    // Tidying up.
    const deletes = rng.poisson(1.5);
    const readMsgs2 = msgs.filter((m) => m.readAt >= 0);
    for (let i = 0; i < deletes && readMsgs2.length > 0; i++) {
      const m = readMsgs2.splice(rng.int(readMsgs2.length), 1)[0]!;
      const t = m.readAt + rng.range(1, 30) * SEC;
      sink.add('ual', 'ual.delete', t, m.i);
      sink.add('activities', 'act.delete', t + rng.range(100, 900), m.i);
    }
    if (rng.chance(0.35))
      sink.add('activities', 'act.search', workStart + rng.int(Math.max(1, endMin - startMin)) * MIN, rng.int(SEARCH_TERMS.length));
  }

  for (const r of pc.rulesByDay.get(`${u}:${ld}`) ?? []) sink.add('ual', 'ual.rule', r.createdAt, r.ruleIndex);

  return { u, ld, dayStart, ctx, msgs, sent, bySrc: sink.sorted() };
}

/** Directory changes made by the admin on a tenant day: [kind, target user]. */
export type DirEvent = { kind: 'Update user' | 'Add member to group'; target: number; auditId: string };

/** Plans the tenant-level records of one UTC day (admin changes, admin sign-in, service principal sign-ins). */
export function planTenantDay(pc: PlanContext, day: number): Plan {
  const { tenant, seed } = pc;
  const rng = Rng.at(seed, TAG.tenantPlan, 0, day);
  const dayStart = day * DAY;
  const weekend = weekday(day) === 0 || weekday(day) === 6;
  const sink = new StubSink(seed, -1, day);
  const admin = tenant.admin;
  const ctx: DayCtx = {
    active: !weekend,
    where: 'office',
    ip: admin.officeIp,
    sessionId: gid(seed, TAG.session, 0, day, 0),
    clientSessionId: gid(seed, TAG.session, 0, day, 1),
    uti: bytesFromWords(words(seed, TAG.session, 0, day, 2))
      .toString('base64url')
      .slice(0, 22),
    signinAt: dayStart + 13 * HOUR + rng.range(0, 40) * MIN,
    correlationId: gid(seed, TAG.session, 0, day, 3),
    country: admin.place.country,
    city: admin.place.city,
    state: admin.place.state,
    lat: admin.place.lat,
    lon: admin.place.lon,
  };
  const dir: DirEvent[] = [];
  if (!weekend) {
    sink.add('signins', 'si.interactive', ctx.signinAt);
    sink.add('ual', 'ual.login', ctx.signinAt + rng.range(300, 1500));
    const n = tenant.users.length > 0 ? rng.poisson(1 + tenant.users.length / 30) : 0;
    for (let i = 0; i < n; i++) {
      const t = ctx.signinAt + rng.range(5, 480) * MIN + rng.int(60_000);
      const kind = rng.chance(0.7) ? 'Update user' : 'Add member to group';
      const target = rng.int(tenant.users.length);
      const audit = sink.add('audits', 'aud.dir', t, i);
      const ev: DirEvent = { kind, target, auditId: idOf(audit) };
      dir.push(ev);
      const s = sink.add('ual', 'ual.dir', t + rng.range(200, 2500), i);
      s.op = `${ev.kind}.`;
      s.rt = 8;
    }
  }
  for (let h = 0; h < 24; h += 6) sink.add('signins', 'si.sp', dayStart + h * HOUR + rng.range(1, 50) * MIN + rng.int(60_000), h / 6);
  return { u: -1, ld: day, dayStart, ctx, msgs: [], sent: [], bySrc: sink.sorted(), dir };
}

/** Rule names and ids of the benign rules a user has. */
export function benignRules(seed: number, tenant: Tenant, fromMs: number, toMs: number): BenignRule[] {
  const out: BenignRule[] = [];
  for (const user of tenant.users) {
    const rng = Rng.at(seed, TAG.rule, user.index + 1, 0);
    if (!rng.chance(0.35)) continue;
    const kinds: BenignRule['kind'][] = ['newsletters', 'escalations', 'timesheets'];
    const count = rng.chance(0.7) ? 1 : 2;
    for (let r = 0; r < count; r++) {
      const kind = kinds.splice(rng.int(kinds.length), 1)[0]!;
      const inRange = rng.chance(0.3) && toMs - fromMs > 2 * DAY;
      // Created on a working afternoon inside the range, or long before it.
      let createdAt = inRange ? fromMs + rng.int(Math.floor((toMs - fromMs) / DAY) - 1) * DAY : fromMs - rng.range(30, 400) * DAY;
      const ld = localDay(user, createdAt);
      const wd = weekday(ld);
      const shift = wd === 0 ? 1 : wd === 6 ? 2 : 0;
      createdAt = (ld + shift) * DAY - user.place.tzOffsetMin * MIN + rng.range(13 * 60, 16 * 60) * MIN + rng.int(60_000);
      if (createdAt >= toMs) createdAt = fromMs - rng.range(30, 400) * DAY;
      const w = words(seed, TAG.rule, user.index + 1, hashString(kind));
      out.push({
        u: user.index,
        ruleIndex: out.length,
        id: Buffer.from([1, 0, 0, 0, w[0] & 255, (w[0] >>> 8) & 255, (w[0] >>> 16) & 255, (w[0] >>> 24) & 255]).toString('base64'),
        name: kind === 'newsletters' ? 'Newsletters' : kind === 'escalations' ? 'Escalations' : 'Timesheet reminders',
        createdAt,
        kind,
        sequence: r + 1,
      });
    }
  }
  return out;
}
