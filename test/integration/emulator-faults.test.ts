// Every injected fault of the emulator, one at a time (by schedule, so each test knows which
// request fails), the rate limiter, the request log, and switching profiles at run time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appToken, call, emulatorFetch, followGraph, startEmulator, type RunningEmulator } from '../../src/emulator';

let emu: RunningEmulator;
let graph: string;

beforeAll(async () => {
  emu = await startEmulator({ users: 4, days: 4, auditQuery: { recordCountLimit: 40, pollsUntilSucceeded: 0 } });
  graph = await appToken(emu, 'graph');
});
afterAll(async () => {
  await emu?.stop();
});

const signIns = (): string => `${emu.hosts.graph}/v1.0/auditLogs/signIns?$top=5`;
const one = (target: string, kind: string, extra: Record<string, unknown> = {}): void =>
  emu.setFaults({ name: 'test', rules: [{ target, kind, at: [1], ...extra } as never] });

describe('transport faults', () => {
  it('429 with Retry-After on Graph, then success', async () => {
    one('signins', 'throttle', { retryAfterSec: 3 });
    const first = await call(emu, signIns(), graph);
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('3');
    expect(first.json<{ error: { code: string } }>().error.code).toBe('TooManyRequests');
    expect((await call(emu, signIns(), graph)).status).toBe(200);
    expect(emu.requests.list({ target: 'signins', fault: 'throttle' })).toHaveLength(1);
  });

  it('Management API throttling is HTTP 403 AF429 naming the PublisherId', async () => {
    const manage = await appToken(emu, 'manage');
    one('mgmt', 'throttle');
    const res = await call(
      emu,
      `${emu.hosts.manage}/api/v1.0/${emu.tenantId}/activity/feed/subscriptions/list?PublisherIdentifier=${emu.tenantId}`,
      manage,
    );
    expect(res.status).toBe(403);
    expect(res.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'AF429' });
    expect(res.json<{ error: { message: string } }>().error.message).toContain(`PublisherId=${emu.tenantId}`);
  });

  it('500 and 503 (with Retry-After) with JSON bodies', async () => {
    one('audits', 'error500');
    const a = await call(emu, `${emu.hosts.graph}/v1.0/auditLogs/directoryAudits`, graph);
    expect(a.status).toBe(500);
    expect(a.json<{ error: { code: string } }>().error.code).toBeTruthy();
    one('audits', 'error503', { retryAfterSec: 2 });
    const b = await call(emu, `${emu.hosts.graph}/v1.0/auditLogs/directoryAudits`, graph);
    expect(b.status).toBe(503);
    expect(b.headers['retry-after']).toBe('2');
  });

  it('drops the connection mid-body', async () => {
    one('signins', 'drop');
    await expect(call(emu, signIns(), graph)).rejects.toThrow(/closed|aborted|hang up|ECONNRESET/);
    expect((await call(emu, signIns(), graph)).status).toBe(200);
  });

  it('401 for one request (token expired), and revoked tokens until a new one is fetched', async () => {
    one('signins', 'unauthorized');
    expect((await call(emu, signIns(), graph)).status).toBe(401);
    expect((await call(emu, signIns(), graph)).status).toBe(200);
    one('signins', 'revokeTokens');
    expect((await call(emu, signIns(), graph)).status).toBe(401);
    expect((await call(emu, signIns(), graph)).status).toBe(401);
    graph = await appToken(emu, 'graph');
    expect((await call(emu, signIns(), graph)).status).toBe(200);
  });

  it('identity endpoints can be throttled too (JSON for MSAL)', async () => {
    one('identity', 'throttle');
    await expect(appToken(emu, 'graph')).rejects.toThrow(/429/);
    expect(await appToken(emu, 'graph')).toMatch(/^ey/);
  });
});

async function createQuery(): Promise<string> {
  const res = await call(emu, `${emu.hosts.graph}/v1.0/security/auditLog/queries`, graph, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ filterStartDateTime: emu.from, filterEndDateTime: emu.to }),
  });
  return res.json<{ id: string }>().id;
}

async function poll(id: string, times: number): Promise<Record<string, unknown>> {
  let q: Record<string, unknown> = {};
  for (let i = 0; i < times; i++) {
    q = (await call(emu, `${emu.hosts.graph}/v1.0/security/auditLog/queries/${id}`, graph)).json<Record<string, unknown>>();
    if (q.status === 'succeeded') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return q;
}

describe('audit query faults', () => {
  it('a stuck query stays running; a new one succeeds', async () => {
    one('ual', 'stuckQuery');
    const stuck = await createQuery();
    expect((await poll(stuck, 30)).status).toBe('running');
    const fine = await createQuery();
    expect((await poll(fine, 30)).status).toBe('succeeded');
  });

  it('oversizeWindow: cut at the limit without isRecordCountLimitExceeded', async () => {
    expect(emu.truth.ual).toBeGreaterThan(40);
    one('ual', 'oversizeWindow');
    const id = await createQuery();
    const q = await poll(id, 30);
    expect(q).toMatchObject({
      status: 'succeeded',
      isRecordCountLimitExceeded: false,
      approximateReturnedRecordCount: 40,
      recordCountLimit: 40,
    });
    const { items } = await followGraph(emu, `${emu.hosts.graph}/v1.0/security/auditLog/queries/${id}/records?$top=7`, graph);
    expect(items).toHaveLength(40);
    emu.setFaults('none');
    const honest = await poll(await createQuery(), 30);
    expect(honest.isRecordCountLimitExceeded).toBe(true);
  });
});

describe('repeated pages', () => {
  it('Graph: the next link points back at the same page once; the set is still complete', async () => {
    emu.setFaults({ name: 'repeat', rules: [{ target: 'signins', kind: 'repeatPage', at: [2] }] });
    const filter = encodeURIComponent(
      "signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser' or t eq 'servicePrincipal')",
    );
    const { items } = await followGraph<{ id: string }>(emu, `${emu.hosts.graph}/beta/auditLogs/signIns?$top=20&$filter=${filter}`, graph);
    const ids = items.map((r) => r.id);
    expect(ids.length).toBe(emu.truth.signins + 20);
    expect(new Set(ids)).toEqual(new Set(emu.truthIds('signins')));
  });

  it('Activities: a $skip page answers the previous rows', async () => {
    const outlook = await appToken(emu, 'outlook');
    emu.setFaults({ name: 'repeat', rules: [{ target: 'activities', kind: 'repeatPage', at: [1] }] });
    const upn = emu.users[0]!;
    const get = async (skip: number): Promise<string[]> =>
      (
        await call(emu, `${emu.hosts.outlook}/api/v2.0/Users('${upn}')/Activities?$top=10&$skip=${skip}`, outlook, {
          headers: { prefer: 'exchange.behavior="ActivityAccess"' },
        })
      )
        .json<{ value: { Id: string }[] }>()
        .value.map((a) => a.Id);
    const first = await get(0);
    expect(await get(10)).toEqual(first);
    expect(await get(10)).not.toEqual(first);
  });

  it('Management API: NextPageUri repeats the same page once', async () => {
    const small = await startEmulator({
      users: 2,
      days: 3,
      pageSize: { mgmtContent: 2 },
      faults: { name: 'repeat', rules: [{ target: 'mgmt', kind: 'repeatPage', at: [1] }] },
    });
    try {
      const token = await appToken(small, 'manage');
      const end = small.now.slice(0, 19);
      const start = new Date(Date.parse(small.now) - 86_400_000).toISOString().slice(0, 19);
      const first = await call(
        small,
        `${small.hosts.manage}/api/v1.0/${small.tenantId}/activity/feed/subscriptions/content?contentType=Audit.Exchange&startTime=${start}&endTime=${end}`,
        token,
      );
      const again = await call(small, first.headers.nextpageuri!, token);
      expect(again.json()).toEqual(first.json());
      const third = await call(small, again.headers.nextpageuri!, token);
      expect(third.json()).not.toEqual(first.json());
    } finally {
      await small.stop();
    }
  });
});

describe('rate limits, profiles and the admin endpoint', () => {
  it('throttles above the allowed rate and logs it as rateLimit', async () => {
    const limited = await startEmulator({ users: 2, days: 3, rateLimits: { signins: { requestsPerSecond: 1, burst: 2 } } });
    try {
      const t = await appToken(limited, 'graph');
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(limited, `${limited.hosts.graph}/v1.0/auditLogs/signIns?$top=1`, t)).status);
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(statuses.slice(2)).toContain(429);
      expect(limited.requests.count({ fault: 'rateLimit' })).toBeGreaterThan(0);
      expect(limited.rateLimits.signins).toEqual({ requestsPerSecond: 1, burst: 2 });
    } finally {
      await limited.stop();
    }
  });

  it('named profiles fire by rate, deterministically, and can be switched through the admin endpoint', async () => {
    const runOnce = async (): Promise<number[]> => {
      const e = await startEmulator({ users: 2, days: 3, faults: 'hostile', seed: 11 });
      try {
        const t = await appToken(e, 'graph');
        const out: number[] = [];
        for (let i = 0; i < 30; i++) {
          try {
            out.push((await call(e, `${e.hosts.graph}/v1.0/auditLogs/directoryAudits?$top=1`, t)).status);
          } catch {
            out.push(-1);
          }
        }
        const set = await emulatorFetch(e.caPem, `${e.origins.authority}/_emulator/faults`, {
          method: 'PUT',
          body: JSON.stringify({ name: 'none' }),
        });
        expect(set.status).toBe(200);
        expect((await call(e, `${e.hosts.graph}/v1.0/auditLogs/directoryAudits?$top=1`, t)).status).toBe(200);
        return out;
      } finally {
        await e.stop();
      }
    };
    const a = await runOnce();
    const b = await runOnce();
    expect(a).toEqual(b);
    expect(a.filter((s) => s !== 200).length).toBeGreaterThan(3);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(3);
  });

  it('refuses unknown profiles and malformed rules', async () => {
    await expect(startEmulator({ users: 2, days: 3, faults: 'mild' })).rejects.toThrow(/unknown fault profile/);
    expect(() => emu.setFaults({ name: 'x', rules: [{ target: 'ual', kind: 'throttle' }] })).toThrow(/rate, at or every/);
  });
});
