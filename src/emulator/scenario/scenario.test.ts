import { join } from 'node:path';
import maxmind, { type CountryResponse } from 'maxmind';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type Scenario } from './scenario';
import { ATTACKER } from './constants';
import type { Stub } from './plan';

type Rec = Record<string, unknown>;

function recordsOf(sc: Scenario, src: 'ual' | 'signins' | 'audits' | 'activities'): Rec[] {
  const [lo, hi] = sc.window(src);
  return [...sc.stubs(src, lo, hi)].map((s: Stub) => sc.build(s));
}

describe('determinism', () => {
  it('the same options give the same ids, records and truth; another seed gives another tenant', () => {
    const a = generateScenario({ seed: 7, users: 6, days: 5 });
    const b = generateScenario({ seed: 7, users: 6, days: 5 });
    expect(b.truth()).toEqual(a.truth());
    for (const src of ['ual', 'mgmt', 'signins', 'audits', 'mailbox', 'activities'] as const)
      expect([...b.truthIds(src)]).toEqual([...a.truthIds(src)]);
    expect(JSON.stringify(recordsOf(b, 'ual'))).toBe(JSON.stringify(recordsOf(a, 'ual')));
    expect(b.storyline).toEqual(a.storyline);
    const c = generateScenario({ seed: 8, users: 6, days: 5 });
    expect(c.tenant.tenantId).not.toBe(a.tenant.tenantId);
    expect([...c.truthIds('ual')][0]).not.toBe([...a.truthIds('ual')][0]);
  });

  it('an hour regenerated alone equals the same hour from a full sweep', () => {
    const sc = generateScenario({ seed: 3, users: 5, days: 4 });
    const [lo] = sc.window('ual');
    const hour = Math.floor(lo / 3600_000) + 40;
    const fromSweep = [...sc.stubs('ual', hour * 3600_000, (hour + 1) * 3600_000)].map((s) => JSON.stringify(sc.build(s))).sort();
    const fresh = generateScenario({ seed: 3, users: 5, days: 4 });
    const alone = fresh
      .hour('ual', hour)
      .map((s) => JSON.stringify(fresh.build(s)))
      .sort();
    expect(alone).toEqual(fromSweep);
    expect(alone.length).toBeGreaterThan(0);
  });

  it('serving hour by hour gives exactly the truth, even for activity planned across local midnight', () => {
    // Seeds 12 and 13 plan a few records on one local day that fall in a neighbouring day's UTC
    // hours (a US user at 23:58 local); those were once missing from the hourly pages.
    for (const seed of [12, 13]) {
      const sc = generateScenario({ seed, users: 20, days: 10 });
      const truth = sc.truth();
      for (const src of ['ual', 'signins', 'activities'] as const) {
        const [lo, hi] = sc.window(src);
        let served = 0;
        for (let h = Math.floor(lo / 3600_000); h * 3600_000 < hi; h++)
          served += sc.hour(src, h).filter((s) => s.t >= lo && s.t < hi).length;
        expect(served, `seed ${seed} ${src}`).toBe(truth[src]);
        expect([...sc.truthIds(src)].length, `seed ${seed} ${src}`).toBe(truth[src]);
      }
    }
  });

  it('ids are unique across every source', () => {
    const sc = generateScenario({ seed: 1, users: 10, days: 6 });
    for (const src of ['ual', 'signins', 'audits', 'activities'] as const) {
      const ids = [...sc.truthIds(src)];
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('scales lazily: a large tenant is generated without materialising its records', () => {
    const sc = generateScenario({ seed: 5, users: 50_000, days: 180 });
    const [lo, hi] = sc.window('ual');
    const hour = Math.floor((hi - 30 * 3600_000) / 3600_000);
    const stubs = sc.hour('ual', hour, sc.userSet(sc.users.slice(0, 200)));
    expect(stubs.length).toBeGreaterThan(0);
    expect(lo).toBeLessThan(hi);
  });

  it('refuses bad options', () => {
    expect(() => generateScenario({ scenario: 'nope' })).toThrow(/unknown scenario/);
    expect(() => generateScenario({ days: 2 })).toThrow(/at least 3 days/);
    expect(() => generateScenario({ users: 0 })).toThrow(/users/);
    expect(() => generateScenario({ end: 'yesterday' })).toThrow(/ISO/);
    expect(generateScenario({ scenario: 'baseline', days: 1, users: 2 }).storyline).toEqual([]);
  });
});

describe('record shapes (reference §3, §5, §1, §10.2)', () => {
  let sc: Scenario;
  let ual: Rec[];
  beforeAll(() => {
    sc = generateScenario({ seed: 7, users: 12, days: 6 });
    ual = recordsOf(sc, 'ual');
  });

  it('UAL: CreationTime without zone, Name/Value strings, ports on some ClientIPs, CRLF servers', () => {
    for (const r of ual) {
      expect(String(r.CreationTime)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      expect(typeof r.Id).toBe('string');
      expect(r.OrganizationId).toBe(sc.tenant.tenantId);
      for (const key of ['OperationProperties', 'Parameters', 'ExtendedProperties', 'DeviceProperties']) {
        for (const p of (r[key] as { Name: string; Value: unknown }[] | undefined) ?? []) expect(typeof p.Value).toBe('string');
      }
    }
    expect(ual.some((r) => /^\d+\.\d+\.\d+\.\d+:\d+$/.test(String(r.ClientIP)))).toBe(true);
    const mia = ual.filter((r) => r.Operation === 'MailItemsAccessed');
    expect(mia.some((r) => String(r.OriginatingServer).endsWith('\r\n'))).toBe(true);
    const kinds = new Set(mia.map((r) => (r.OperationProperties as { Value: string }[])[0]!.Value));
    expect(kinds).toEqual(new Set(['Bind', 'Sync']));
    expect(new Set(ual.map((r) => r.RecordType))).toEqual(new Set([1, 2, 3, 8, 15, 50]));
  });

  it('Graph: 7 fractional digits and Z; Activities: ms and Z with Name/Value custom properties', () => {
    for (const r of recordsOf(sc, 'signins')) expect(String(r.createdDateTime)).toMatch(/\.\d{7}Z$/);
    for (const r of recordsOf(sc, 'audits')) expect(String(r.activityDateTime)).toMatch(/\.\d{7}Z$/);
    const acts = recordsOf(sc, 'activities');
    for (const r of acts) {
      expect(String(r.TimeStamp)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Array.isArray(r.CustomProperties)).toBe(true);
      expect(String(r.Id)).toMatch(/^AAMkA[A-Za-z0-9_-]+=*$/);
    }
    const types = new Set(acts.map((r) => r.ActivityIdType));
    for (const t of [
      'ServerLogon',
      'MessageDelivered',
      'ReadingPaneDisplayStart',
      'MarkAsRead',
      'MessageSent',
      'SearchResult',
      'LinkClicked',
    ])
      expect(types).toContain(t);
  });

  it('home networks geolocate to the users\u2019 countries; the attacker\u2019s do not (bundled country database)', async () => {
    const dbFile = join(
      import.meta.dirname,
      '..',
      '..',
      '..',
      'node_modules',
      '@ip-location-db',
      'geo-whois-asn-country-mmdb',
      'geo-whois-asn-country-ipv4.mmdb',
    );
    const db = await maxmind.open<CountryResponse & { country_code?: string }>(dbFile);
    const cc = (ip: string): string | undefined => (db.get(ip) as { country_code?: string } | null)?.country_code;
    for (const u of sc.tenant.users) {
      expect(cc(u.homeIp)).toBe(u.place.country);
      expect(cc(u.officeIp)).toBe(u.place.country);
    }
    expect(cc(ATTACKER.aitm.ip)).toBe(ATTACKER.aitm.country);
    expect(cc(ATTACKER.operator.ip)).toBe(ATTACKER.operator.country);
    // Sign-in locations agree with the geolocation of their address.
    for (const r of recordsOf(sc, 'signins')) {
      const loc = (r.location as { countryOrRegion: string }).countryOrRegion;
      if (r.ipAddress !== '20.42.65.91') expect(cc(String(r.ipAddress))).toBe(loc);
    }
  });
});

describe('the bec-basic storyline', () => {
  let sc: Scenario;
  const byId = new Map<string, Rec>();
  beforeAll(() => {
    sc = generateScenario({ seed: 7, users: 12, days: 10 });
    for (const src of ['ual', 'signins', 'audits', 'activities'] as const)
      for (const r of recordsOf(sc, src)) byId.set(String(r.Id ?? r.id), r);
  });
  const step = (id: string) => sc.storyline.find((s) => s.id === id)!;
  const recs = (id: string, src: 'ual' | 'signins' | 'audits' | 'activities'): Rec[] =>
    (step(id).records[src] ?? []).map((x) => byId.get(x)!);

  it('every step has records, and every record id is served by its source', () => {
    expect(sc.storyline.map((s) => s.id)).toEqual([
      'phish-delivered',
      'phish-clicked',
      'aitm-signin',
      'mail-sync',
      'mail-search',
      'mail-bind',
      'inbox-rule-hide',
      'mailbox-forwarding',
      'inbox-rule-forward',
      'oauth-consent',
      'app-mail-access',
      'rule-hit',
      'attacker-return',
      'fraud-send',
      'hide-sent',
    ]);
    for (const s of sc.storyline) {
      const all = Object.entries(s.records);
      expect(all.length).toBeGreaterThan(0);
      for (const [src, ids] of all) {
        const truth = new Set(sc.truthIds(src as 'ual'));
        for (const id of ids) expect(truth.has(id), `${s.id}: ${src} ${id}`).toBe(true);
      }
    }
    // All UAL steps are inside the Management API horizon.
    const mgmt = new Set(sc.truthIds('mgmt'));
    for (const s of sc.storyline) for (const id of s.records.ual ?? []) expect(mgmt.has(id)).toBe(true);
  });

  it('one attacker session links the sign-in, mail access, rules, forwarding and the fraudulent send', () => {
    const [signin] = recs('aitm-signin', 'signins');
    expect(signin).toMatchObject({ ipAddress: ATTACKER.aitm.ip, userAgent: 'axios/1.7.7', appId: '4765445b-32c6-49b0-83e6-1d93765276ca' });
    const session = String(signin!.sessionId);
    const [logon] = recs('aitm-signin', 'ual');
    expect((logon!.DeviceProperties as { Name: string; Value: string }[]).find((p) => p.Name === 'SessionId')!.Value).toBe(session);
    expect(String(logon!.ClientIP)).toMatch(/^146\.70\.53\.21:\d+$/);
    for (const id of [
      'mail-sync',
      'mail-bind',
      'inbox-rule-hide',
      'mailbox-forwarding',
      'inbox-rule-forward',
      'app-mail-access',
      'fraud-send',
      'hide-sent',
    ]) {
      for (const r of recs(id, 'ual')) expect(r.SessionId, id).toBe(session);
    }
    const sync = recs('mail-sync', 'ual');
    expect(sync.map((r) => (r.Folders as { Path: string }[])[0]!.Path)).toEqual(['\\Inbox', '\\Sent Items', '\\Archive']);
    const rule = recs('inbox-rule-hide', 'ual')[0]!;
    const params = Object.fromEntries((rule.Parameters as { Name: string; Value: string }[]).map((p) => [p.Name, p.Value]));
    expect(params).toMatchObject({
      Name: '.',
      MoveToFolder: 'RSS Feeds',
      MarkAsRead: 'True',
      SubjectOrBodyContainsWords: 'invoice;payment',
    });
    expect(String(rule.ObjectId)).toMatch(/\\\.$/);
    const fwd = recs('mailbox-forwarding', 'ual')[0]!;
    expect((fwd.Parameters as { Name: string; Value: string }[]).find((p) => p.Name === 'ForwardingSmtpAddress')!.Value).toBe(
      `smtp:${ATTACKER.forwardTo}`,
    );
    const send = recs('fraud-send', 'ual')[0]!;
    expect(send).toMatchObject({ Operation: 'Send', ClientIPAddress: ATTACKER.operator.ip });
    const consent = recs('oauth-consent', 'ual').find((r) => r.Operation === 'Consent to application.')!;
    expect(JSON.stringify(consent.ModifiedProperties)).toMatch(/Mail\.Send/);
    const appAccess = recs('app-mail-access', 'ual');
    expect(appAccess.every((r) => r.AppId === ATTACKER.app.appId && r.ClientIPAddress === ATTACKER.appHost.ip)).toBe(true);
    expect(recs('app-mail-access', 'signins').every((r) => r.userAgent === ATTACKER.appUserAgent && r.sessionId === session)).toBe(true);
  });

  it('the victim is signed in from home country before the AiTM sign-in, even when the attack falls on a Sunday', () => {
    for (const end of [undefined, '2026-11-05T00:00:00Z']) {
      const s2 = generateScenario({ seed: 7, users: 8, days: 10, ...(end ? { end } : {}) });
      const victim = s2.tenant.users[s2.tenant.victim]!;
      const aitm = Date.parse(s2.storyline.find((x) => x.id === 'aitm-signin')!.at);
      const before = [...s2.stubs('signins', aitm - 6 * 3600_000, aitm, new Set([victim.index]))]
        .filter((st) => !st.rec)
        .map((st) => s2.build(st))
        .filter((r) => r.isInteractive === true);
      expect(before.length, String(end)).toBeGreaterThan(0);
      expect((before[0]!.location as { countryOrRegion: string }).countryOrRegion).toBe('US');
    }
  });

  it('benign users sign in only from home networks with ordinary clients (the traveller excepted)', () => {
    const victim = sc.tenant.users[sc.tenant.victim]!;
    const traveller = sc.tenant.traveler >= 0 ? sc.tenant.users[sc.tenant.traveler]!.upn : '';
    const storyIds = new Set(sc.storyline.flatMap((s) => Object.values(s.records).flat()));
    for (const r of recordsOf(sc, 'signins')) {
      if (storyIds.has(String(r.id)) || r.userPrincipalName === null) continue;
      const u = [sc.tenant.admin, ...sc.tenant.users].find((x) => x.upn === r.userPrincipalName)!;
      if (u.upn !== traveller) expect((r.location as { countryOrRegion: string }).countryOrRegion, u.upn).toBe(u.place.country);
      expect(String(r.userAgent)).not.toMatch(/axios|python|curl|Go-http/);
    }
    // No benign user moves faster than an airliner between consecutive sign-ins.
    const km = (a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number => {
      const r = Math.PI / 180;
      const h =
        Math.sin(((b.latitude - a.latitude) * r) / 2) ** 2 +
        Math.cos(a.latitude * r) * Math.cos(b.latitude * r) * Math.sin(((b.longitude - a.longitude) * r) / 2) ** 2;
      return 12_742 * Math.asin(Math.sqrt(h));
    };
    const byUser = new Map<string, Rec[]>();
    for (const r of recordsOf(sc, 'signins')) {
      if (storyIds.has(String(r.id)) || r.userPrincipalName === null) continue;
      byUser.set(String(r.userPrincipalName), [...(byUser.get(String(r.userPrincipalName)) ?? []), r]);
    }
    let moved = 0;
    for (const list of byUser.values()) {
      list.sort((a, b) => Date.parse(String(a.createdDateTime)) - Date.parse(String(b.createdDateTime)));
      for (let i = 1; i < list.length; i++) {
        const geo = (r: Rec) => (r.location as { geoCoordinates: { latitude: number; longitude: number } }).geoCoordinates;
        const d = km(geo(list[i - 1]!), geo(list[i]!));
        if (d < 1) continue;
        moved++;
        const hours = (Date.parse(String(list[i]!.createdDateTime)) - Date.parse(String(list[i - 1]!.createdDateTime))) / 3600_000;
        expect(d / hours).toBeLessThan(800);
      }
    }
    expect(moved).toBeGreaterThanOrEqual(2);
    const travel = sc.distractors.find((d) => d.id === 'business-trip');
    expect(travel?.records.signins?.length ?? 0).toBeGreaterThan(0);
    for (const u of sc.tenant.users) {
      if (u.index === victim.index) continue;
      for (const r of sc.mailbox.rules(u)) {
        const a = r.actions as Record<string, unknown>;
        expect(a.forwardTo ?? a.redirectTo ?? a.delete).toBeUndefined();
        expect(String(r.displayName)).toMatch(/[A-Za-z]/);
      }
    }
  });
});
