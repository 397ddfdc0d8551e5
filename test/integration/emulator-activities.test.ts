// Outlook REST v2.0 Activities of the emulator (reference §1): the Prefer header, $filter on
// TimeStamp / ActivityIdType / AppIdType, $top ≤ 1000 with $skip paging, $select, $orderby, the
// 401 x-ms-diagnostics header, and paging every mailbox yields exactly the truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appToken, call, startEmulator, type RunningEmulator } from '../../src/emulator';

let emu: RunningEmulator;
let token: string;
const PREFER = { prefer: 'exchange.behavior="ActivityAccess"', accept: 'application/json; odata.metadata=none' };
type Act = {
  Id: string;
  TimeStamp: string;
  ActivityIdType: string;
  AppIdType: string;
  CustomProperties?: { Name: string; Value: string }[];
};

beforeAll(async () => {
  emu = await startEmulator({ users: 4, days: 4 });
  token = await appToken(emu, 'outlook');
});
afterAll(async () => {
  await emu?.stop();
});

const url = (upn: string, qs: string): string => `${emu.hosts.outlook}/api/v2.0/Users('${upn}')/Activities?${qs}`;

/** CrowdStrike's retriever loop: $skip in batches until a short batch. */
async function retrieve(upn: string, qs: string, top: number): Promise<Act[]> {
  const out: Act[] = [];
  for (let skip = 0; ; skip += top) {
    const res = await call(emu, url(upn, `${qs}&$top=${top}&$skip=${skip}`), token, { headers: PREFER });
    expect(res.status).toBe(200);
    const batch = res.json<{ value: Act[] }>().value;
    out.push(...batch);
    if (batch.length < top) return out;
  }
}

describe('Activities', () => {
  it('requires Prefer: exchange.behavior="ActivityAccess" (400 with a JSON error otherwise)', async () => {
    const res = await call(emu, url(emu.users[0]!, '$top=1'), token);
    expect(res.status).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/ActivityAccess/);
  });

  it('pages every mailbox with $top/$skip and serves exactly the truth, newest first by default', async () => {
    const all: string[] = [];
    for (const upn of emu.users) {
      const acts = await retrieve(upn, '', 97);
      all.push(...acts.map((a) => a.Id));
      for (let i = 1; i < acts.length; i++) expect(acts[i]!.TimeStamp <= acts[i - 1]!.TimeStamp).toBe(true);
      expect(acts.length).toBe(emu.count('activities', { users: [upn] }));
    }
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(emu.truthIds('activities')));
  });

  it('filters on TimeStamp (bare ISO), or-ed ActivityIdType and AppIdType, with $orderby asc and $select', async () => {
    const victim = emu.scenario.tenant.users[emu.scenario.tenant.victim]!.upn;
    const step = emu.storyline.find((s) => s.id === 'mail-search')!;
    const at = Date.parse(step.at);
    const from = new Date(at - 3600_000).toISOString();
    const to = new Date(at + 3600_000).toISOString();
    const filter = `(TimeStamp ge ${from}) and (TimeStamp le ${to}) and (ActivityIdType eq 'SearchResult' or ActivityIdType eq 'ServerLogon')`;
    const qs = `$filter=${encodeURIComponent(filter)}&$orderby=${encodeURIComponent('TimeStamp asc')}&$select=TimeStamp,ActivityIdType,CustomProperties`;
    const acts = await retrieve(victim, qs, 1000);
    expect(acts.map((a) => a.Id)).toEqual(expect.arrayContaining(step.records.activities!));
    for (const a of acts) {
      expect(['SearchResult', 'ServerLogon']).toContain(a.ActivityIdType);
      expect(Object.keys(a).sort()).toEqual(['ActivityIdType', 'CustomProperties', 'Id', 'TimeStamp']);
    }
    for (let i = 1; i < acts.length; i++) expect(acts[i]!.TimeStamp >= acts[i - 1]!.TimeStamp).toBe(true);
    const query = acts.find((a) => a.Id === step.records.activities![0])!.CustomProperties!.find((p) => p.Name === 'Query')!.Value;
    expect(query).toMatch(/invoice/);
    const web = await retrieve(victim, `$filter=${encodeURIComponent("AppIdType eq 'Web'")}`, 500);
    expect(web.length).toBeGreaterThan(0);
    expect(web.every((a) => a.AppIdType === 'Web')).toBe(true);
  });

  it('adds @odata annotations with default metadata, a nextLink, and rejects $top > 1000', async () => {
    const res = await call(emu, url(emu.users[1]!, '$top=2'), token, { headers: { prefer: PREFER.prefer } });
    const body = res.json<{ '@odata.context': string; '@odata.nextLink': string; value: Record<string, unknown>[] }>();
    expect(body['@odata.context']).toMatch(/Activities$/);
    expect(body.value[0]!['@odata.id']).toMatch(/\/Activities\('/);
    expect(body['@odata.nextLink']).toMatch(/\$skip=2/);
    const tooMany = await call(emu, url(emu.users[1]!, '$top=1001'), token, { headers: PREFER });
    expect(tooMany.status).toBe(400);
    const unknown = await call(emu, url('nobody@nowhere.example', '$top=1'), token, { headers: PREFER });
    expect(unknown.status).toBe(404);
  });

  it('answers 401 with x-ms-diagnostics carrying reason="…"', async () => {
    const res = await call(emu, url(emu.users[0]!, '$top=1'), 'not-a-token', { headers: PREFER });
    expect(res.status).toBe(401);
    expect(res.headers['x-ms-diagnostics']).toMatch(/^2000008;reason="[^"]+";error_category="invalid_token"$/);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('InvalidAuthenticationToken');
  });
});
