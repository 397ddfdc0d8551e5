import { afterEach, describe, expect, it } from 'vitest';
import { analysisCase, ev, grantEvent } from '../../../../test/helpers/events';
import { ATTACKER_IP, becFixture, DAY0 } from '../../../../test/helpers/bec-fixture';
import type { Finding } from '../../../shared/model/analysis';
import { tagEvents } from '../../annotate';
import { runAnalyzers } from '../run';
import { assessRule } from './inbox-rules';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function bec() {
  const c = await analysisCase();
  cleanups.push(c.cleanup);
  const fx = becFixture();
  const ids = c.write(fx.events);
  const byKey = new Map(fx.events.map((e, i) => [e.recordKey!, ids[i]!]));
  const step = (name: string) => byKey.get(fx.attackKeys[name]!)!;
  return { ...c, fx, ids, step };
}

const of = (findings: Finding[], analyzer: string) => findings.filter((f) => f.analyzer === analyzer);

describe('analyzers on a synthetic BEC case', () => {
  it('signin-anomalies: the AiTM sign-in is high; spraying is low; the traveller is at most medium; ordinary users nothing', async () => {
    const c = await bec();
    const r = runAnalyzers(c.session);
    const s = of(r.findings, 'signin-anomalies');
    const attack = s.find((f) => f.eventIds.includes(c.step('signin')))!;
    expect(attack.severity).toBe('high');
    expect(attack.why).toMatch(/axios/);
    expect(attack.why).toMatch(/anonymiser|hosting/);
    expect(attack.why).toMatch(/country BG is unusual/);
    expect(attack.nextSteps.length).toBeGreaterThan(1);
    const spray = s.find((f) => f.actors.includes('bob@contoso.com'))!;
    expect(spray.severity).toBe('low');
    expect(spray.title).toMatch(/failed/);
    // The traveller: one finding per hotel IP, medium (a new country alone is not proof).
    const carol = s.filter((f) => f.actors.includes('carol@contoso.com'));
    expect(carol.length).toBe(2);
    for (const f of carol) {
      expect(f.severity).toBe('medium');
      expect(f.why).toMatch(/country DE is unusual for this user \(usually US\)/);
    }
    expect(s.filter((f) => f.actors.includes('dave@contoso.com'))).toEqual([]);
  });

  it('signin-anomalies: impossible travel, ROPC from a hosting network, device code and Entra risk', async () => {
    const c = await analysisCase();
    cleanups.push(c.cleanup);
    const home = '73.162.10.21';
    const base = Date.UTC(2026, 0, 5, 9) * 1000;
    const signin = (user: string, ts: number, ip: string, signinOver: Record<string, unknown> = {}, over: Record<string, unknown> = {}) =>
      ev({
        tsUs: ts,
        source: 'signin',
        operation: 'Sign-in',
        category: 'logon',
        actor: user,
        mailbox: null,
        clientIp: ip,
        userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0',
        attrs: {
          signin: {
            errorCode: 0,
            failureReason: null,
            clientAppUsed: 'Browser',
            authenticationProtocol: null,
            authenticationRequirement: null,
            signInEventType: 'interactiveUser',
            isInteractive: true,
            conditionalAccessStatus: null,
            riskLevel: null,
            riskEventTypes: [],
            location: null,
            resourceId: null,
            resourceName: null,
            appName: null,
            ...signinOver,
          },
        },
        ...over,
      });
    const days = (user: string) => Array.from({ length: 8 }, (_, d) => signin(user, base + d * 86400e6, home));
    const ids = c.write([
      ...days('tom@contoso.com'),
      // 40 minutes after a US sign-in, Tokyo: ~10,000 km.
      signin('tom@contoso.com', base + 7 * 86400e6 + 40 * 60e6, '133.242.0.1'),
      ...days('una@contoso.com'),
      // Legacy basic auth over ROPC, from DigitalOcean.
      signin(
        'una@contoso.com',
        base + 3 * 86400e6 + 3600e6,
        '159.89.12.4',
        { clientAppUsed: 'Other clients', authenticationProtocol: 'ropc' },
        { userAgent: 'BAV2ROPC' },
      ),
      ...days('vic@contoso.com'),
      signin('vic@contoso.com', base + 4 * 86400e6 + 3600e6, home, {
        authenticationProtocol: 'deviceCode',
        riskLevel: 'high',
        riskEventTypes: ['unfamiliarFeatures'],
      }),
    ]);
    const f = of(runAnalyzers(c.session).findings, 'signin-anomalies');
    const tom = f.find((x) => x.actors.includes('tom@contoso.com'))!;
    expect(tom.why).toMatch(/impossible travel: US at .* then JP 40 min later/);
    expect(tom.severity).toBe('medium');
    expect(tom.eventIds).toEqual([ids[8]]);
    const una = f.find((x) => x.actors.includes('una@contoso.com'))!;
    expect(una.severity).toBe('high');
    expect(una.why).toMatch(/legacy authentication \(Other clients\)/);
    expect(una.why).toMatch(/ROPC/);
    expect(una.why).toMatch(/hosting provider \(AS14061/);
    const vic = f.find((x) => x.actors.includes('vic@contoso.com'))!;
    expect(vic.severity).toBe('high');
    expect(vic.why).toMatch(/device-code flow/);
    expect(vic.why).toMatch(/Entra rated the sign-in high risk \(unfamiliarFeatures\)/);
    // Ordinary daily sign-ins from home are never reported.
    expect(f.every((x) => x.eventIds.length === 1)).toBe(true);
  });

  it('inbox-rules: the hiding rule is high with its reasons; the newsletter rule is not flagged', async () => {
    const c = await bec();
    const r = runAnalyzers(c.session);
    const rules = of(r.findings, 'inbox-rules');
    expect(rules.length).toBe(1);
    expect(rules[0]).toMatchObject({ severity: 'high', eventIds: [c.step('rule')] });
    expect(rules[0]!.why).toMatch(/RSS Feeds/);
    expect(rules[0]!.why).toMatch(/only punctuation/);
    expect(rules[0]!.why).toMatch(/"invoice"/);
    expect(rules[0]!.why).toMatch(/marks matching mail as read/);
  });

  it('inbox-rules: judges rules on their own', () => {
    const internal = (a: string) => a.endsWith('@contoso.com');
    const base = { operation: 'create' as const, id: null, enabled: true, conditions: {}, exceptions: {} };
    expect(assessRule({ ...base, name: 'Newsletters', actions: { moveToFolder: 'Newsletters' } }, internal).severity).toBe('info');
    expect(assessRule({ ...base, name: 'x', actions: { delete: true } }, internal).severity).toBe('high');
    expect(
      assessRule({ ...base, name: 'Clean', conditions: { from: ['a@b.c'] }, actions: { moveToFolder: 'Junk Email' } }, internal).severity,
    ).toBe('medium');
    expect(
      assessRule(
        { ...base, name: 'Invoices', conditions: { subjectContainsWords: ['invoice'] }, actions: { moveToFolder: 'Invoices' } },
        internal,
      ).severity,
    ).toBe('low');
    expect(assessRule({ ...base, name: 'fw', actions: { forwardTo: ['x@evil.example'] } }, internal).severity).toBe('high');
    expect(assessRule({ ...base, name: 'fw', actions: { redirectTo: ['boss@contoso.com'] } }, internal).severity).toBe('low');
  });

  it('forwarding: external SMTP forwarding is high; internal forwarding only low', async () => {
    const c = await bec();
    c.write([
      ev({
        tsUs: DAY0 + 3600e6,
        actor: 'dave@contoso.com',
        mailbox: 'dave@contoso.com',
        operation: 'Set-Mailbox',
        category: 'forwarding',
        attrs: { forwarding: { forwardingSmtpAddress: null, forwardingAddress: 'bob@contoso.com', deliverToMailboxAndForward: true } },
      }),
    ]);
    const r = runAnalyzers(c.session);
    const f = of(r.findings, 'forwarding');
    const ext = f.find((x) => x.title.includes('remittance.desk@proton-mailbox.example'))!;
    expect(ext).toMatchObject({ severity: 'high', eventIds: [c.step('forwarding')] });
    expect(ext.why).toMatch(/outside the organisation/);
    const internal = f.find((x) => x.title.includes('bob@contoso.com'))!;
    expect(internal.severity).toBe('low');
    expect(f.length).toBe(2);
  });

  it('oauth-consent: unfamiliar mail app is high; first-party and harmless consents are not flagged', async () => {
    const c = await bec();
    const consent = (appId: string, appName: string, scopes: string[]) =>
      ev({
        tsUs: DAY0 + 7200e6,
        source: 'directory-audit',
        actor: 'bob@contoso.com',
        operation: 'Consent to application.',
        category: 'consent',
        attrs: { consent: { appId, appName, scopes, isAdminConsent: false, consentType: 'Principal' } },
      });
    c.write([
      consent('d3590ed6-52b3-4102-aeff-aad2292ab01c', 'Microsoft Office', ['Mail.ReadWrite']),
      consent('11111111-2222-3333-4444-555555555555', 'Calendar Sync', ['User.Read', 'Calendars.Read']),
      // An organisation-wide grant read from the tenant's state: worth a review, not proof.
      grantEvent('99999999-2222-3333-4444-555555555555', ['Mail.ReadBasic.All'], true, { tsUs: DAY0 }),
    ]);
    const r = runAnalyzers(c.session);
    const f = of(r.findings, 'oauth-consent');
    expect(f.length).toBe(2);
    const state = f.find((x) => x.why.includes('current grants only'))!;
    expect(state.severity).toBe('medium');
    f.splice(f.indexOf(state), 1);
    expect(f[0]).toMatchObject({ severity: 'high', eventIds: [c.step('consent')] });
    expect(f[0]!.why).toMatch(/Mail\.ReadWrite/);
    expect(f[0]!.why).toMatch(/already judged anomalous/);
  });

  it('oauth-consent: the same consent recorded by app id, by service principal id and by name only is one finding', async () => {
    const c = await bec();
    c.write([
      ev({
        tsUs: DAY0 + 7200e6,
        source: 'directory-audit',
        actor: 'bob@contoso.com',
        operation: 'Consent to application',
        category: 'consent',
        attrs: {
          consent: { appId: null, appName: 'Mail Backup Utility', scopes: ['Mail.Read'], isAdminConsent: false, consentType: null },
        },
      }),
      // UAL "Add delegated permission grant." names the service principal's object id, with the name...
      ev({
        tsUs: DAY0 + 7201e6,
        source: 'ual',
        actor: 'bob@contoso.com',
        operation: 'Add delegated permission grant.',
        category: 'consent',
        attrs: {
          consent: {
            appId: '5b6c6f76-709e-42cf-afb3-ba570a0b8b75',
            appName: 'Mail Backup Utility',
            scopes: ['Mail.Read'],
            isAdminConsent: null,
            consentType: null,
          },
        },
      }),
      // ...and the tenant's grant (state) only that object id, as its clientId.
      ev({
        tsUs: DAY0 + 9000e6,
        source: 'mailbox-state',
        actor: null,
        operation: 'OAuth2PermissionGrant',
        category: 'consent',
        attrs: {
          consent: {
            appId: '5b6c6f76-709e-42cf-afb3-ba570a0b8b75',
            appName: null,
            scopes: ['Mail.Read'],
            isAdminConsent: false,
            consentType: 'Principal',
          },
        },
      }),
    ]);
    const f = of(runAnalyzers(c.session).findings, 'oauth-consent');
    expect(f.map((x) => x.title)).toEqual([expect.stringContaining('"Mail Backup Utility"')]);
    expect(f[0]!.eventIds).toHaveLength(4);
  });

  it('mail-access: reads from the attacker session are high, a benign bulk read is medium, throttling is a gap', async () => {
    const c = await bec();
    const r = runAnalyzers(c.session);
    const f = of(r.findings, 'mail-access');
    const highs = f.filter((x) => x.severity === 'high');
    expect(highs.length).toBe(1);
    const attacker = highs[0]!;
    expect(attacker.eventIds).toEqual([c.step('sync'), c.step('bind')]);
    expect(attacker.why).toMatch(/Sync of \\Inbox/);
    expect(attacker.why).toMatch(/240 items/);
    const burst = f.find((x) => x.title.startsWith('Burst'))!;
    expect(burst.severity).toBe('medium');
    expect(burst.actors).toEqual(['dave@contoso.com']);
    const gap = f.find((x) => x.kind === 'gap')!;
    expect(gap.actors).toEqual(['alice@contoso.com']);
    expect(gap.lastUs! - gap.firstUs!).toBe(24 * 3600e6);
    // Ordinary reading by bob is not flagged; the traveller's reading from the hotel is at most medium.
    expect(f.filter((x) => x.actors.includes('bob@contoso.com'))).toEqual([]);
    expect(f.filter((x) => x.actors.includes('carol@contoso.com')).every((x) => x.severity === 'medium')).toBe(true);
  });

  it('bec-storyline: one high finding chains every planted step, and no benign user is high', async () => {
    const c = await bec();
    const r = runAnalyzers(c.session);
    const story = of(r.findings, 'bec-storyline').filter((f) => f.severity === 'high');
    expect(story.length).toBe(1);
    expect(story[0]!.severity).toBe('high');
    expect(story[0]!.actors).toEqual(['alice@contoso.com']);
    for (const name of Object.keys(c.fx.attackKeys)) expect(story[0]!.eventIds, name).toContain(c.step(name));
    // In time order, starting with the sign-in.
    expect(story[0]!.eventIds[0]).toBe(c.step('signin'));
    expect(story[0]!.why).toMatch(/same session/);
    for (const user of c.fx.benignUsers) {
      expect(
        r.findings.filter((f) => f.severity === 'high' && f.actors.includes(user)),
        user,
      ).toEqual([]);
    }
  });

  it('bec-storyline: an anomalous sign-in with no follow-up action yields no storyline', async () => {
    const c = await analysisCase();
    cleanups.push(c.cleanup);
    c.write([
      ev({
        source: 'signin',
        operation: 'Sign-in',
        category: 'logon',
        actor: 'eve@contoso.com',
        clientIp: ATTACKER_IP,
        userAgent: 'axios/1.7.7',
        sessionId: 'x',
        attrs: {},
      }),
    ]);
    const r = runAnalyzers(c.session);
    expect(of(r.findings, 'signin-anomalies').length).toBe(1);
    expect(of(r.findings, 'bec-storyline')).toEqual([]);
  });

  it('attacker-pivot: nothing without confirmed events; then other users on the attacker IP are high', async () => {
    const c = await bec();
    expect(of(runAnalyzers(c.session).findings, 'attacker-pivot')).toEqual([]);
    // Bob acted from the attacker's IP (a second victim).
    const [bobEvent] = c.write([
      ev({
        tsUs: DAY0 + 9 * 86400e6,
        actor: 'bob@contoso.com',
        mailbox: 'bob@contoso.com',
        clientIp: ATTACKER_IP,
        operation: 'MailItemsAccessed',
        category: 'mail-read',
      }),
    ]);
    tagEvents(c.session, { ids: [c.step('signin'), c.step('rule')], tag: 'malicious' });
    const f = of(runAnalyzers(c.session).findings, 'attacker-pivot');
    const bob = f.find((x) => x.actors.includes('bob@contoso.com'))!;
    expect(bob).toMatchObject({ severity: 'high', eventIds: [bobEvent] });
    const alice = f.find((x) => x.actors.includes('alice@contoso.com'))!;
    expect(alice.severity).toBe('medium');
    expect(alice.eventIds).toContain(c.step('send'));
    expect(alice.eventIds).not.toContain(c.step('rule'));
  });

  it('re-running is idempotent and journaled', async () => {
    const c = await bec();
    const first = runAnalyzers(c.session);
    const second = runAnalyzers(c.session);
    expect(second.added).toBe(0);
    expect(second.removed).toBe(0);
    expect(second.findings.map((f) => [f.id, f.severity, f.eventIds])).toEqual(first.findings.map((f) => [f.id, f.severity, f.eventIds]));
    const entries = c.session.journal.list(0, 1000).filter((e) => e.action === 'analyze.run');
    expect(entries.length).toBe(2);
    expect(entries[1]!.details).toMatchObject({ analyzers: expect.arrayContaining(['bec-storyline']), added: 0, removed: 0 });
    expect(c.session.journal.list(0, 1000).some((e) => e.action === 'enrich.sources')).toBe(true);
  });
});
