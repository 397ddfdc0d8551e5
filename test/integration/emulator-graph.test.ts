// Graph endpoints of the emulator: sign-ins, directory audits, the audit log query API and mailbox
// state — paging, filters, versions, limits — and what they serve equals the scenario's truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appToken, call, followGraph, startEmulator, type RunningEmulator } from '../../src/emulator';

let emu: RunningEmulator;
let token: string;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  emu = await startEmulator({ users: 6, days: 5, auditQuery: { recordCountLimit: 100_000, pollsUntilSucceeded: 1 } });
  token = await appToken(emu, 'graph');
});
afterAll(async () => {
  await emu?.stop();
});

const q = (s: string): string => encodeURIComponent(s);
const ALL_TYPES = "signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser' or t eq 'servicePrincipal')";

describe('auditLogs/signIns', () => {
  it('beta with every event type pages newest first and serves exactly the truth', async () => {
    const { items, pages } = await followGraph<Rec>(
      emu,
      `${emu.hosts.graph}/beta/auditLogs/signIns?$top=37&$filter=${q(ALL_TYPES)}`,
      token,
    );
    expect(pages).toBeGreaterThan(2);
    const ids = items.map((r) => String(r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(emu.truthIds('signins')));
    expect(ids.length).toBe(emu.truth.signins);
    const times = items.map((r) => Date.parse(String(r.createdDateTime)));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeLessThanOrEqual(times[i - 1]!);
    expect(String(items[0]!.createdDateTime)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(items.some((r) => (r.signInEventTypes as string[])[0] === 'servicePrincipal')).toBe(true);
  });

  it('v1.0 is interactive only, without beta properties; beta without a type filter too', async () => {
    const v1 = (await followGraph<Rec>(emu, `${emu.hosts.graph}/v1.0/auditLogs/signIns`, token)).items;
    expect(v1.length).toBeGreaterThan(0);
    for (const r of v1) {
      expect(r.isInteractive).toBe(true);
      expect(r).not.toHaveProperty('userAgent');
      expect(r).not.toHaveProperty('sessionId');
    }
    const beta = (await followGraph<Rec>(emu, `${emu.hosts.graph}/beta/auditLogs/signIns`, token)).items;
    expect(beta.map((r) => r.id)).toEqual(v1.map((r) => r.id));
    expect(beta[0]).toHaveProperty('sessionId');
    const bad = await call(
      emu,
      `${emu.hosts.graph}/v1.0/auditLogs/signIns?$filter=${q("signInEventTypes/any(t: t eq 'nonInteractiveUser')")}`,
      token,
    );
    expect(bad.status).toBe(400);
  });

  it('honours createdDateTime ge/le, other properties, and rejects $top > 1000 and bad filters with JSON', async () => {
    const step = emu.storyline.find((s) => s.id === 'aitm-signin')!;
    const at = Date.parse(step.at);
    const from = new Date(at - 3600_000).toISOString();
    const to = new Date(at + 3600_000).toISOString();
    const filter = `createdDateTime ge ${from} and createdDateTime le ${to} and ${ALL_TYPES}`;
    const { items } = await followGraph<Rec>(emu, `${emu.hosts.graph}/beta/auditLogs/signIns?$filter=${q(filter)}`, token);
    expect(items.map((r) => r.id).sort()).toEqual([...emu.truthIds('signins', { from, to: new Date(at + 3600_001).toISOString() })].sort());
    expect(items.map((r) => r.id)).toContain(step.records.signins![0]);
    const byIp = await followGraph<Rec>(
      emu,
      `${emu.hosts.graph}/beta/auditLogs/signIns?$filter=${q("ipAddress eq '146.70.53.21'")}`,
      token,
    );
    expect(byIp.items.length).toBeGreaterThan(0);
    expect(byIp.items.every((r) => r.ipAddress === '146.70.53.21' && r.userAgent === 'axios/1.7.7')).toBe(true);
    for (const url of [
      `${emu.hosts.graph}/v1.0/auditLogs/signIns?$top=1001`,
      `${emu.hosts.graph}/v1.0/auditLogs/signIns?$filter=${q('createdDateTime gee 2026')}`,
    ]) {
      const res = await call(emu, url, token);
      expect(res.status).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('BadRequest');
    }
  });
});

describe('auditLogs/directoryAudits', () => {
  it('serves the truth, newest first, and the consent storyline entries', async () => {
    const { items } = await followGraph<Rec>(emu, `${emu.hosts.graph}/v1.0/auditLogs/directoryAudits?$top=5`, token);
    expect(new Set(items.map((r) => r.id))).toEqual(new Set(emu.truthIds('audits')));
    const consent = await followGraph<Rec>(
      emu,
      `${emu.hosts.graph}/v1.0/auditLogs/directoryAudits?$filter=${q("activityDisplayName eq 'Consent to application'")}`,
      token,
    );
    expect(consent.items).toHaveLength(1);
    const step = emu.storyline.find((s) => s.id === 'oauth-consent')!;
    expect(step.records.audits).toContain(consent.items[0]!.id);
    expect(String(consent.items[0]!.activityDateTime)).toMatch(/\.\d{7}Z$/);
  });
});

async function runQuery(body: Rec, version = 'v1.0', tok = token, target = emu): Promise<{ query: Rec; records: Rec[]; pages: number }> {
  const created = await call(target, `${target.hosts.graph}/${version}/security/auditLog/queries`, tok, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ '@odata.type': '#microsoft.graph.security.auditLogQuery', displayName: 't', ...body }),
  });
  expect(created.status).toBe(201);
  const id = created.json<{ id: string; status: string }>();
  expect(id.status).toBe('notStarted');
  let query: Rec = {};
  for (let i = 0; i < 50; i++) {
    const res = await call(target, `${target.hosts.graph}/${version}/security/auditLog/queries/${id.id}`, tok);
    query = res.json<Rec>();
    if (query.status === 'succeeded') break;
    expect(query.status).toBe('running');
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(query.status).toBe('succeeded');
  const { items, pages } = await followGraph<Rec>(
    target,
    `${target.hosts.graph}/${version}/security/auditLog/queries/${id.id}/records?$top=150`,
    tok,
  );
  return { query, records: items, pages };
}

describe('security/auditLog/queries', () => {
  it('create → running → succeeded → records with nextLink equal the UAL truth (v1.0 and beta)', async () => {
    for (const version of ['v1.0', 'beta']) {
      const { query, records, pages } = await runQuery({ filterStartDateTime: emu.from, filterEndDateTime: emu.to }, version);
      expect(pages).toBeGreaterThan(1);
      expect(query.isRecordCountLimitExceeded).toBe(false);
      expect(query.approximateReturnedRecordCount).toBe(emu.truth.ual);
      const ids = records.map((r) => String(r.id));
      expect(ids.length).toBe(emu.truth.ual);
      expect(new Set(ids)).toEqual(new Set(emu.truthIds('ual')));
    }
  });

  it('records carry the UAL record in auditData with the live OData annotations', async () => {
    const { records } = await runQuery({
      filterStartDateTime: emu.from,
      filterEndDateTime: emu.to,
      operationFilters: ['MailItemsAccessed'],
    });
    expect(records.length).toBeGreaterThan(0);
    const r = records[0]!;
    expect(r.auditLogRecordType).toBe('ExchangeItemAggregated');
    expect(String(r.createdDateTime)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const data = r.auditData as Rec;
    expect(data['@odata.type']).toBe('#microsoft.graph.security.defaultAuditData');
    expect(data['RecordType@odata.type']).toBe('#Int64');
    expect(data.Operation).toBe('MailItemsAccessed');
    expect(records.every((x) => x.operation === 'MailItemsAccessed')).toBe(true);
  });

  it('honours operation, user, record type and time filters', async () => {
    const victim = emu.scenario.tenant.users[emu.scenario.tenant.victim]!.upn;
    const rules = await runQuery({ operationFilters: ['New-InboxRule'], userPrincipalNameFilters: [victim] });
    const names = rules.records.map(
      (r) => ((r.auditData as Rec).Parameters as { Name: string; Value: string }[]).find((p) => p.Name === 'Name')?.Value,
    );
    expect(names).toEqual(expect.arrayContaining(['.', '..']));
    const sts = await runQuery({ recordTypeFilters: ['azureActiveDirectoryStsLogon'] });
    expect(sts.records.length).toBeGreaterThan(0);
    expect(sts.records.every((r) => r.operation === 'UserLoggedIn' || r.operation === 'UserLoginFailed')).toBe(true);
    const from = new Date(Date.parse(emu.to) - 86_400_000).toISOString();
    const day = await runQuery({ filterStartDateTime: from, filterEndDateTime: emu.to });
    expect(new Set(day.records.map((r) => r.id))).toEqual(new Set(emu.truthIds('ual', { from, to: emu.to })));
  });

  it('filters on the time clients see: start inclusive, end exclusive, at whole seconds', async () => {
    const id = emu.storyline.find((s) => s.id === 'inbox-rule-hide')!.records.ual![0]!;
    const at = Date.parse(`${emu.storyline.find((s) => s.id === 'inbox-rule-hide')!.at.slice(0, 19)}Z`);
    const iso = (ms: number): string => new Date(ms).toISOString();
    const inside = await runQuery({ filterStartDateTime: iso(at), filterEndDateTime: iso(at + 1000), operationFilters: ['New-InboxRule'] });
    expect(inside.records.map((r) => r.id)).toEqual([id]);
    const before = await runQuery({ filterStartDateTime: iso(at - 1000), filterEndDateTime: iso(at), operationFilters: ['New-InboxRule'] });
    expect(before.records).toEqual([]);
  });

  it('cuts a query at its record limit and says so', async () => {
    const small = await startEmulator({ users: 3, days: 3, auditQuery: { recordCountLimit: 40, pollsUntilSucceeded: 0 } });
    try {
      const t = await appToken(small, 'graph');
      const { query, records } = await runQuery({ filterStartDateTime: small.from, filterEndDateTime: small.to }, 'v1.0', t, small);
      expect(small.truth.ual).toBeGreaterThan(40);
      expect(query).toMatchObject({ isRecordCountLimitExceeded: true, recordCountLimit: 40, approximateReturnedRecordCount: 40 });
      expect(records).toHaveLength(40);
    } finally {
      await small.stop();
    }
  });

  it('refuses /records before the query has succeeded', async () => {
    const created = await call(emu, `${emu.hosts.graph}/v1.0/security/auditLog/queries`, token, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const { id } = created.json<{ id: string }>();
    const res = await call(emu, `${emu.hosts.graph}/v1.0/security/auditLog/queries/${id}/records`, token);
    expect(res.status).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/notStarted|running/);
  });
});

describe('mailbox state', () => {
  it('resolves the hiding rule to the RSS Feeds folder and shows the forwarding rule', async () => {
    const victim = emu.scenario.tenant.users[emu.scenario.tenant.victim]!.upn;
    const rules = (await call(emu, `${emu.hosts.graph}/v1.0/users/${victim}/mailFolders/inbox/messageRules`, token)).json<{
      value: Rec[];
    }>().value;
    const hide = rules.find((r) => r.displayName === '.')!;
    expect(hide.conditions).toEqual({ bodyOrSubjectContains: ['invoice', 'payment'] });
    const actions = hide.actions as { moveToFolder: string; markAsRead: boolean };
    expect(actions.markAsRead).toBe(true);
    const folder = (
      await call(emu, `${emu.hosts.graph}/v1.0/users/${victim}/mailFolders/${encodeURIComponent(actions.moveToFolder)}`, token)
    ).json<Rec>();
    expect(folder.displayName).toBe('RSS Feeds');
    const fwd = rules.find((r) => r.displayName === '..')!;
    expect((fwd.actions as { forwardTo: { emailAddress: { address: string } }[] }).forwardTo[0]!.emailAddress.address).toMatch(
      /\.example$/,
    );
    const settings = (await call(emu, `${emu.hosts.graph}/v1.0/users/${victim}/mailboxSettings`, token)).json<Rec>();
    expect(settings).toHaveProperty('timeZone');
    expect(settings).toHaveProperty('automaticRepliesSetting');
  });

  it('serves grants and service principals with the consented app, filters, and the truth ids', async () => {
    const grants = (await followGraph<Rec>(emu, `${emu.hosts.graph}/v1.0/oauth2PermissionGrants?$top=2`, token)).items;
    const sps = (await followGraph<Rec>(emu, `${emu.hosts.graph}/v1.0/servicePrincipals?$top=3`, token)).items;
    const evil = sps.find((s) => s.displayName === 'Mail Backup Utility')!;
    expect(evil).toBeTruthy();
    const grant = grants.find((g) => g.clientId === evil.id)!;
    expect(grant).toMatchObject({ consentType: 'Principal' });
    expect(String(grant.scope)).toMatch(/Mail\.Send/);
    const byApp = (
      await call(emu, `${emu.hosts.graph}/v1.0/servicePrincipals?$filter=${q(`appId eq '${String(evil.appId)}'`)}`, token)
    ).json<{ value: Rec[] }>().value;
    expect(byApp.map((s) => s.id)).toEqual([evil.id]);
    const ids: string[] = [];
    const users = (await followGraph<Rec>(emu, `${emu.hosts.graph}/v1.0/users?$top=4`, token)).items;
    for (const u of users) {
      if (u.mail === null) {
        const res = await call(emu, `${emu.hosts.graph}/v1.0/users/${String(u.id)}/mailboxSettings`, token);
        expect(res.status).toBe(404);
        expect(res.json<{ error: { code: string } }>().error.code).toBe('MailboxNotEnabledForRESTAPI');
        continue;
      }
      const upn = String(u.userPrincipalName);
      const rules = (await call(emu, `${emu.hosts.graph}/v1.0/users/${upn}/mailFolders/inbox/messageRules`, token)).json<{ value: Rec[] }>()
        .value;
      for (const r of rules) ids.push(`messageRule:${upn}:${String(r.id)}`);
      expect((await call(emu, `${emu.hosts.graph}/v1.0/users/${upn}/mailboxSettings`, token)).status).toBe(200);
      ids.push(`mailboxSettings:${upn}`);
    }
    for (const g of grants) ids.push(`oauth2PermissionGrant:${String(g.id)}`);
    for (const s of sps) ids.push(`servicePrincipal:${String(s.id)}`);
    expect(new Set(ids)).toEqual(new Set(emu.truthIds('mailbox')));
    expect(ids.length).toBe(emu.truth.mailbox);
  });
});
