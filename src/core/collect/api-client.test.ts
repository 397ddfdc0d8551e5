import { describe, expect, it } from 'vitest';
import type { TokenProvider } from '../auth/token-provider';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../auth/transport';
import { ApiClient, isAf429, RequestFailedError, retryAfterMs } from './api-client';

type Answer = HttpResponse | Error;

/** A transport answering from a script, recording every request. */
function scripted(answers: Answer[]): Transport & { seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  return {
    seen,
    allowedOrigins: ['https://graph.test'],
    close: () => undefined,
    request: async (req) => {
      seen.push(req);
      const a = answers.shift();
      if (!a) throw new Error('script exhausted');
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

function res(status: number, body = '{}', headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: Buffer.from(body) };
}

function tokens(): TokenProvider & { issued: number; rejected: string[] } {
  let n = 0;
  const rejected: string[] = [];
  return {
    mode: 'secret',
    warnings: [],
    get acquisitions() {
      return n;
    },
    get issued() {
      return n;
    },
    rejected,
    token: async (_r, opts) => {
      if (opts?.rejected) {
        rejected.push(opts.rejected);
        n++;
      }
      if (n === 0) n = 1;
      return `t${n}`;
    },
  };
}

function client(transport: Transport, extra: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) {
  const waits: number[] = [];
  const api = new ApiClient({
    transport,
    tokens: tokens(),
    clock: () => 1,
    random: () => 0.5,
    retry: { maxAttempts: 5, baseDelayMs: 4, maxDelayMs: 50 },
    onWait: (_s, ms) => waits.push(ms),
    ...extra,
  });
  return { api, waits };
}

const GET = { source: 'ual' as const, resource: 'graph' as const, method: 'GET' as const, url: 'https://graph.test/v1.0/x' };

describe('ApiClient', () => {
  it('honours Retry-After on 429 and counts the throttling', async () => {
    const t = scripted([res(429, '{}', { 'retry-after': '0.01' }), res(200, '{"ok":1}')]);
    const { api, waits } = client(t);
    const r = await api.call(GET);
    expect(r.status).toBe(200);
    expect(r.attempts).toBe(2);
    expect(waits[0]).toBeGreaterThanOrEqual(10);
    expect(api.statsOf('ual')).toMatchObject({ requests: 2, retries: 1, throttled: 1 });
  });

  it('treats the Management API 403 AF429 as throttling, other 403s as final', async () => {
    const af429 = '{"error":{"code":"AF429","message":"Too many requests. Method=GetBlob, PublisherId=x"}}';
    const t = scripted([res(403, af429), res(200), res(403, '{"error":{"code":"AF10001"}}')]);
    const { api } = client(t);
    expect((await api.call({ ...GET, source: 'mgmt', resource: 'manage' })).status).toBe(200);
    expect((await api.call({ ...GET, source: 'mgmt', resource: 'manage' })).status).toBe(403);
    expect(api.statsOf('mgmt').throttled).toBe(1);
    expect(isAf429(403, Buffer.from(af429))).toBe(true);
    expect(isAf429(429, Buffer.from(af429))).toBe(false);
  });

  it('backs off exponentially on server errors and dropped connections, then succeeds', async () => {
    const t = scripted([res(500), new TransportError('connection dropped mid-body', GET.url), res(503), res(200)]);
    const { api, waits } = client(t);
    const r = await api.call(GET);
    expect(r.attempts).toBe(4);
    // random() = 0.5 of a cap that doubles: 4, 8, 16 ms → 2, 4, 8.
    expect(waits).toEqual([2, 4, 8]);
    expect(api.statsOf('ual')).toMatchObject({ serverErrors: 2, transportErrors: 1, retries: 3 });
  });

  it('re-acquires the token once after a 401 and repeats the call with the new one', async () => {
    const t = scripted([res(401), res(200)]);
    const tk = tokens();
    const { api } = client(t, { tokens: tk });
    expect((await api.call(GET)).status).toBe(200);
    expect(tk.rejected).toEqual(['t1']);
    expect(t.seen.map((r) => r.headers?.['authorization'])).toEqual(['Bearer t1', 'Bearer t2']);
    // A third 401 in the same call is final (the caller turns it into a gap or an error).
    const t2 = scripted([res(401), res(401), res(401)]);
    const { api: api2 } = client(t2);
    expect((await api2.call(GET)).status).toBe(401);
  });

  it('gives up after the last attempt with the last status', async () => {
    const t = scripted([res(503), res(503), res(503), res(503), res(503)]);
    const { api } = client(t);
    await expect(api.call(GET)).rejects.toBeInstanceOf(RequestFailedError);
    await expect(api.call(GET)).rejects.toThrow(/script exhausted/);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const transport: Transport = {
      allowedOrigins: [],
      close: () => undefined,
      request: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return res(200);
      },
    };
    const { api } = client(transport, { concurrency: 3 });
    await Promise.all(Array.from({ length: 20 }, () => api.call(GET)));
    expect(peak).toBe(3);
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    const t = scripted([res(429, '{}', { 'retry-after': '30' })]);
    const { api } = client(t, { signal: controller.signal, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 60_000 } });
    const p = api.call(GET);
    setTimeout(() => controller.abort(), 20);
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('2', 0)).toBe(2000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 1000)).toBe(4000);
    expect(retryAfterMs(undefined, 0)).toBeNull();
    expect(retryAfterMs('soon', 0)).toBeNull();
  });
});
