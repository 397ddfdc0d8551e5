/**
 * The run machinery against a small in-process fake of the Graph audit log query API (no sockets):
 * adaptive splitting, declared vs received, truncation and stuck-query gaps, checkpoints, resume,
 * cancellation and the journal. The full protocol is proven against the emulator in
 * test/integration/collect*.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import type { CaseSession } from '../case/case-file';
import { verifyCase } from '../custody/verify';
import type { TokenProvider } from '../auth/token-provider';
import type { HttpRequest, HttpResponse, Transport } from '../auth/transport';
import { collectedRecordKeys, listCollectionGaps, listCollectionRuns, tasksOf } from '../store/collect-repo';
import { EventWriter } from '../store/events-repo';
import type { IngestFn } from './ingest-port';
import { collect, type CollectRequest } from './index';

const GRAPH = 'https://graph.fake';
const T0 = Date.UTC(2026, 9, 1);
const MIN = 60_000;

interface FakeUal {
  transport: Transport;
  requests: string[];
  /** Queries created (filter windows). */
  created: [number, number][];
  setStuck(v: boolean): void;
}

/** A fake audit log query service over `records` (id, time ms). */
function fakeUal(records: { id: string; at: number }[], opts: { limit: number; pageSize: number; polls: number }): FakeUal {
  const queries = new Map<string, { from: number; to: number; polls: number; stuck: boolean }>();
  const requests: string[] = [];
  const created: [number, number][] = [];
  let stuck = false;
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
    status,
    headers: { 'content-type': 'application/json', date: new Date(T0 + 20 * 86_400_000).toUTCString(), ...headers },
    body: Buffer.from(JSON.stringify(body)),
  });
  const inWindow = (q: { from: number; to: number }) => records.filter((r) => r.at >= q.from && r.at < q.to);
  const transport: Transport = {
    allowedOrigins: [GRAPH],
    close: () => undefined,
    request: async (req: HttpRequest) => {
      const url = new URL(req.url);
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const m = /^\/v1\.0\/security\/auditLog\/queries(?:\/([^/]+))?(\/records)?$/.exec(url.pathname);
      if (!m) return json(404, { error: { code: 'NotFound' } });
      if (req.method === 'POST') {
        const body = JSON.parse(req.body ?? '{}') as { filterStartDateTime: string; filterEndDateTime: string };
        const id = `q${queries.size + 1}`;
        const q = { from: Date.parse(body.filterStartDateTime), to: Date.parse(body.filterEndDateTime), polls: 0, stuck };
        queries.set(id, q);
        created.push([q.from, q.to]);
        return json(201, { id, status: 'notStarted' });
      }
      const q = queries.get(m[1] ?? '');
      if (!q) return json(404, { error: { code: 'NotFound' } });
      const all = inWindow(q);
      if (!m[2]) {
        q.polls++;
        if (q.stuck || q.polls < opts.polls) return json(200, { id: m[1], status: 'running' });
        return json(200, {
          id: m[1],
          status: 'succeeded',
          recordCountLimit: opts.limit,
          isRecordCountLimitExceeded: all.length > opts.limit,
          approximateReturnedRecordCount: Math.min(all.length, opts.limit),
        });
      }
      const served = all.slice(0, opts.limit);
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
      const page = served.slice(skip, skip + opts.pageSize);
      const next = skip + opts.pageSize < served.length ? `${GRAPH}${url.pathname}?$skiptoken=${skip + opts.pageSize}` : undefined;
      return json(200, {
        value: page.map((r) => ({
          id: r.id,
          createdDateTime: new Date(r.at).toISOString(),
          operation: 'MailItemsAccessed',
          auditData: { Id: r.id },
        })),
        ...(next ? { '@odata.nextLink': next } : {}),
      });
    },
  };
  return { transport, requests, created, setStuck: (v) => (stuck = v) };
}

const tokens: TokenProvider = { mode: 'secret', warnings: [], acquisitions: 0, token: async () => 'SECRET-ACCESS-TOKEN' };

/** Test ingestion: one event per record of a Graph page, keyed `ual:<id>`. */
const ingest: IngestFn = async (session, evidenceId) => {
  const chunks: Buffer[] = [];
  for await (const c of session.evidence.open(evidenceId)) chunks.push(c as Buffer);
  const doc = JSON.parse(Buffer.concat(chunks).toString()) as { value: { id: string; createdDateTime: string }[] };
  const w = new EventWriter(session.db);
  let imported = 0;
  session.db
    .transaction(() => {
      doc.value.forEach((r, i) => {
        const outcome = w.write(
          {
            tsUs: Date.parse(r.createdDateTime) * 1000,
            source: 'ual',
            recordType: null,
            operation: 'MailItemsAccessed',
            category: 'mail-read',
            actor: null,
            mailbox: r.id.startsWith('thr') ? 'victim@contoso.test' : null,
            clientIp: null,
            userAgent: null,
            clientApp: null,
            appId: null,
            sessionId: null,
            tokenId: null,
            deviceId: null,
            result: null,
            object: null,
            summary: 'x',
            recordKey: `ual:${r.id}`,
            attrs: r.id.startsWith('thr')
              ? { mailAccess: { accessType: 'Bind', throttled: true, operationCount: 1, folders: [], messageIds: [] } }
              : {},
            raw: JSON.stringify(r),
          },
          evidenceId,
          i,
        );
        if (outcome === 'imported') imported++;
      });
    })
    .immediate();
  return { read: doc.value.length, imported, duplicates: doc.value.length - imported, quarantined: 0, upgraded: 0 };
};

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function caseWithCollection(): CaseSession {
  const t = tempCase();
  cleanups.push(t.cleanup);
  return t.session;
}

function request(extra: Partial<CollectRequest> = {}): CollectRequest {
  return {
    tenant: '11111111-2222-3333-4444-555555555555',
    clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    auth: { mode: 'secret', secret: 'unused' },
    sources: ['ual'],
    fromUs: T0 * 1000,
    toUs: (T0 + 86_400_000) * 1000,
    hosts: { graph: GRAPH },
    tuning: {
      ualSafeSize: 250,
      ualMinWindowMs: MIN,
      ualPollIntervalMs: 1,
      ualPollMaxIntervalMs: 2,
      baseDelayMs: 1,
      maxDelayMs: 5,
      taskAttempts: 2,
    },
    ...extra,
  };
}

/** Spread-out records plus a dense hour. */
function dataset(): { id: string; at: number }[] {
  const out: { id: string; at: number }[] = [];
  for (let i = 0; i < 900; i++) out.push({ id: `a${i}`, at: T0 + Math.floor((i * 86_400_000) / 900) });
  for (let i = 0; i < 600; i++) out.push({ id: `b${i}`, at: T0 + 10 * 3_600_000 + i * 5000 });
  return out;
}

describe('collect (audit log query, fake service)', () => {
  it('splits full windows until none is full and collects every record exactly once', async () => {
    const data = dataset();
    const svc = fakeUal(data, { limit: 300, pageSize: 100, polls: 2 });
    const s = caseWithCollection();
    const result = await collect(s, request(), { tokens, ingest, transport: svc.transport });
    expect(result.state).toBe('completed');
    const keys = collectedRecordKeys(s.db, { source: 'ual' });
    expect(keys).toEqual(new Set(data.map((r) => `ual:${r.id}`)));
    const sum = result.sources.ual!;
    expect(sum.imported).toBe(data.length);
    expect(sum.declared).toBe(data.length);
    expect(sum.received).toBe(sum.imported + sum.duplicates + sum.quarantined);
    expect(sum.gaps).toEqual([]);
    // Every finished window holds fewer records than the safe size and declared = received.
    const leaves = tasksOf(s.db, result.runId, 'ual').filter((t) => t.state === 'done');
    expect(leaves.length).toBe(sum.windows);
    for (const t of leaves) {
      expect(t.declared).toBe(t.received);
      expect(t.received).toBeLessThan(250);
    }
    expect(tasksOf(s.db, result.runId, 'ual').some((t) => t.state === 'split')).toBe(true);
    expect(verifyCase(s.db).ok).toBe(true);
    const actions = s.journal.list(0, 10_000).map((e) => e.action);
    expect(actions).toContain('collect.start');
    expect(actions).toContain('collect.source');
    expect(actions.at(-1)).toBe('collect.finish');
    expect(JSON.stringify(s.journal.list(0, 10_000)).includes('SECRET-ACCESS-TOKEN')).toBe(false);
  });

  it('records a 24 h blind spot for each mailbox whose MailItemsAccessed auditing was throttled', async () => {
    const at = T0 + 5 * 3_600_000;
    const data = [
      { id: 'a1', at: T0 + 1000 },
      { id: 'thr1', at },
      { id: 'thr2', at: at + 60_000 },
    ];
    const svc = fakeUal(data, { limit: 300, pageSize: 100, polls: 1 });
    const s = caseWithCollection();
    const result = await collect(s, request(), { tokens, ingest, transport: svc.transport });
    const gaps = result.sources.ual!.gaps.filter((g) => g.kind === 'throttled');
    expect(gaps).toEqual([
      expect.objectContaining({
        target: 'victim@contoso.test',
        fromUs: at * 1000,
        toUs: (at + 86_400_000) * 1000,
        evidenceId: expect.any(Number),
      }),
    ]);
    expect(gaps[0]!.detail).toMatch(/IsThrottled=True.*24 hours/);
  });

  it('records a truncated gap when a window is still full at the minimum length', async () => {
    const burst = Array.from({ length: 400 }, (_, i) => ({ id: `x${i}`, at: T0 + 3_600_000 }));
    const svc = fakeUal(burst, { limit: 300, pageSize: 100, polls: 1 });
    const s = caseWithCollection();
    const result = await collect(s, request(), { tokens, ingest, transport: svc.transport });
    const gaps = result.sources.ual!.gaps;
    expect(gaps.map((g) => g.kind)).toEqual(['truncated']);
    expect(gaps[0]!.toUs! - gaps[0]!.fromUs!).toBeLessThan(2 * MIN * 1000);
    expect(result.sources.ual!.received).toBe(300);
  });

  it('gives up on a stuck query as an incomplete gap, and a resume fills and resolves it', async () => {
    const data = dataset().slice(0, 200);
    const svc = fakeUal(data, { limit: 300, pageSize: 100, polls: 1 });
    svc.setStuck(true);
    const s = caseWithCollection();
    const first = await collect(s, request({ tuning: { ...request().tuning, ualQueryTimeoutMs: 20 } }), {
      tokens,
      ingest,
      transport: svc.transport,
    });
    expect(first.state).toBe('incomplete');
    expect(first.sources.ual!.gaps.map((g) => g.kind)).toEqual(['incomplete']);
    expect(first.sources.ual!.gaps[0]!.detail).toMatch(/stuck/);
    svc.setStuck(false);
    const again = await collect(s, request({ resume: true }), { tokens, ingest, transport: svc.transport });
    expect(again.state).toBe('completed');
    expect(again.runId).toBe(first.runId);
    expect(again.sources.ual!.gaps).toEqual([]);
    expect(listCollectionGaps(s.db, { includeResolved: true }).map((g) => [g.kind, g.resolvedAtUs !== null])).toEqual([
      ['incomplete', true],
    ]);
    expect(collectedRecordKeys(s.db, { source: 'ual' }).size).toBe(200);
    expect(listCollectionRuns(s.db)).toHaveLength(1);
  });

  it('stops on cancellation with a resumable run, and the resume continues from the checkpoints', async () => {
    const data = dataset();
    const svc = fakeUal(data, { limit: 300, pageSize: 50, polls: 1 });
    const s = caseWithCollection();
    const controller = new AbortController();
    let pages = 0;
    const counting: IngestFn = async (...args) => {
      if (++pages === 6) controller.abort();
      return ingest(...args);
    };
    const first = await collect(s, request(), { tokens, ingest: counting, signal: controller.signal, transport: svc.transport });
    expect(first.state).toBe('cancelled');
    const before = tasksOf(s.db, first.runId, 'ual').filter((t) => t.pages > 0);
    expect(before.length).toBeGreaterThan(0);
    const again = await collect(s, request({ resume: true }), { tokens, ingest, transport: svc.transport });
    expect(again.state).toBe('completed');
    expect(collectedRecordKeys(s.db, { source: 'ual' })).toEqual(new Set(data.map((r) => `ual:${r.id}`)));
    // Checkpointed work was not redone: finished windows kept their pages, started ones kept their query.
    const after = new Map(tasksOf(s.db, first.runId, 'ual').map((t) => [t.id, t]));
    for (const t of before) {
      if (t.state === 'done') expect(after.get(t.id)!.pages).toBe(t.pages);
      else expect(after.get(t.id)!.pages).toBeGreaterThanOrEqual(t.pages);
    }
    const queriesPerWindow = new Map<string, number>();
    for (const [a, b] of svc.created) queriesPerWindow.set(`${a}-${b}`, (queriesPerWindow.get(`${a}-${b}`) ?? 0) + 1);
    expect(Math.max(...queriesPerWindow.values())).toBe(1);
    expect(verifyCase(s.db).ok).toBe(true);
  });

  it('refuses to resume with different parameters, or when nothing is unfinished', async () => {
    const s = caseWithCollection();
    await expect(collect(s, request({ resume: true }), { tokens, ingest })).rejects.toThrow(/nothing to resume/);
    const svc = fakeUal([], { limit: 300, pageSize: 50, polls: 1 });
    svc.setStuck(true);
    const r = await collect(s, request({ tuning: { ...request().tuning, ualQueryTimeoutMs: 5 } }), {
      tokens,
      ingest,
      transport: svc.transport,
    });
    expect(r.state).toBe('incomplete');
    await expect(collect(s, request({ resume: true, sources: ['signins'] }), { tokens, ingest })).rejects.toThrow(/sources/);
  });
});
