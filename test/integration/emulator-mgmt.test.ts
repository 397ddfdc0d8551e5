// The Office 365 Management Activity API of the emulator: subscriptions, content listing rules
// (24 h windows, 7-day horizon, NextPageUri), content blobs (unordered, by-design duplicates) and
// the union of every blob in the horizon equals the scenario's `mgmt` truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appToken, call, startEmulator, type RunningEmulator } from '../../src/emulator';

let emu: RunningEmulator;
let token: string;
let feed: string;
type Entry = { contentType: string; contentId: string; contentUri: string; contentCreated: string; contentExpiration: string };

beforeAll(async () => {
  emu = await startEmulator({ users: 30, days: 9, pageSize: { mgmtContent: 5 }, mgmtSubscribed: ['Audit.Exchange'] });
  token = await appToken(emu, 'manage');
  feed = `${emu.hosts.manage}/api/v1.0/${emu.tenantId}/activity/feed`;
});
afterAll(async () => {
  await emu?.stop();
});

async function listAll(ct: string, start: string, end: string): Promise<{ entries: Entry[]; pages: number }> {
  let url: string | undefined =
    `${feed}/subscriptions/content?contentType=${ct}&startTime=${start}&endTime=${end}&PublisherIdentifier=${emu.tenantId}`;
  const entries: Entry[] = [];
  let pages = 0;
  while (url) {
    const res = await call(emu, url, token);
    expect(res.status).toBe(200);
    entries.push(...res.json<Entry[]>());
    pages++;
    url = res.headers.nextpageuri;
    if (url) expect(url).toContain('/api/v1/');
  }
  return { entries, pages };
}

describe('subscriptions', () => {
  it('lists, starts (AF20024 when already on) and refuses content without a subscription (AF20022)', async () => {
    const list = (await call(emu, `${feed}/subscriptions/list`, token)).json<{ contentType: string; status: string }[]>();
    expect(list).toEqual([{ contentType: 'Audit.Exchange', status: 'enabled', webhook: null }]);
    const day = new Date(Date.parse(emu.now) - 86_400_000).toISOString().slice(0, 19);
    const refused = await call(
      emu,
      `${feed}/subscriptions/content?contentType=Audit.AzureActiveDirectory&startTime=${day}&endTime=${emu.now.slice(0, 19)}`,
      token,
    );
    expect(refused.status).toBe(400);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('AF20022');
    const started = await call(emu, `${feed}/subscriptions/start?contentType=Audit.AzureActiveDirectory`, token, { method: 'POST' });
    expect(started.json()).toEqual({ contentType: 'Audit.AzureActiveDirectory', status: 'enabled', webhook: null });
    const again = await call(emu, `${feed}/subscriptions/start?contentType=Audit.AzureActiveDirectory`, token, { method: 'POST' });
    expect(again.json<{ error: { code: string } }>().error.code).toBe('AF20024');
  });
});

describe('content', () => {
  it('rejects windows over 24 h, starting more than 7 days back, or half-given (AF20055 / AF20030)', async () => {
    const now = Date.parse(emu.now);
    const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 19);
    const cases: [string, string][] = [
      [`startTime=${iso(now - 30 * 3600_000)}&endTime=${iso(now)}`, 'AF20055'],
      [`startTime=${iso(now - 8 * 86_400_000)}&endTime=${iso(now - 8 * 86_400_000 + 3600_000)}`, 'AF20055'],
      [`startTime=${iso(now - 3600_000)}`, 'AF20030'],
    ];
    for (const [qs, code] of cases) {
      const res = await call(emu, `${feed}/subscriptions/content?contentType=Audit.Exchange&${qs}`, token);
      expect(res.status).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toBe(code);
    }
  });

  it('pages with NextPageUri, blobs are unordered arrays with duplicates, and the union equals the truth', async () => {
    const now = Date.parse(emu.now);
    const ids = new Set<string>();
    let records = 0;
    let pages = 0;
    let unordered = false;
    const seenBlobs = new Set<string>();
    for (const ct of ['Audit.Exchange', 'Audit.AzureActiveDirectory']) {
      for (let d = 7; d >= 1; d--) {
        const start = new Date(now - d * 86_400_000).toISOString().slice(0, 19);
        const end = new Date(now - (d - 1) * 86_400_000).toISOString().slice(0, 19);
        const listed = await listAll(ct, start, end);
        pages += listed.pages;
        for (const e of listed.entries) {
          expect(e.contentType).toBe(ct);
          expect(Date.parse(e.contentCreated)).toBeGreaterThanOrEqual(Date.parse(`${start}Z`));
          expect(Date.parse(e.contentCreated)).toBeLessThan(Date.parse(`${end}Z`));
          expect(seenBlobs.has(e.contentId)).toBe(false);
          seenBlobs.add(e.contentId);
          const blob = await call(emu, `${e.contentUri}?PublisherIdentifier=${emu.tenantId}`, token);
          expect(blob.status).toBe(200);
          const body = blob.json<{ Id: string; CreationTime: string; RecordType: number }[]>();
          expect(Array.isArray(body)).toBe(true);
          for (let i = 1; i < body.length; i++) if (body[i]!.CreationTime < body[i - 1]!.CreationTime) unordered = true;
          for (const r of body) {
            expect(r.CreationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
            expect(ct === 'Audit.AzureActiveDirectory' ? [8, 15] : [1, 2, 3, 50]).toContain(r.RecordType);
            ids.add(r.Id);
            records++;
          }
        }
      }
    }
    expect(pages).toBeGreaterThan(14);
    expect(unordered).toBe(true);
    expect(records).toBeGreaterThan(ids.size);
    expect(ids.size).toBe(emu.truth.mgmt);
    expect(ids).toEqual(new Set(emu.truthIds('mgmt')));
    // The horizon really cuts: the UAL holds more than the last seven days.
    expect(emu.truth.ual).toBeGreaterThan(emu.truth.mgmt);
  });

  it('answers AF20051 for expired content, AF20052 for a bad id and AF20010 for another tenant', async () => {
    const expired = `${feed}/audit/${String((Math.floor(Date.parse(emu.from) / 3600_000) + 2) * 3600)}$${String((Math.floor(Date.parse(emu.from) / 3600_000) + 2) * 3600 + 3599)}$${emu.tenantId.replace(/-/g, '')}exch${emu.from.slice(0, 4)}${emu.from.slice(5, 7)}${emu.from.slice(8, 10)}02$00000000$emu`;
    const res = await call(emu, expired, token);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('AF20051');
    expect((await call(emu, `${feed}/audit/not-an-id`, token)).json<{ error: { code: string } }>().error.code).toBe('AF20052');
    const other = await call(
      emu,
      `${emu.hosts.manage}/api/v1.0/00000000-1111-2222-3333-444444444444/activity/feed/subscriptions/list`,
      token,
    );
    expect(other.status).toBe(403);
    expect(other.json<{ error: { code: string } }>().error.code).toBe('AF20010');
  });
});
