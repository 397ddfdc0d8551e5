import { afterEach, describe, expect, it } from 'vitest';
import { analysisCase, ev, HOUR, MIN } from '../../../test/helpers/events';
import { openEncrypted } from '../store/database';
import { EventWriter } from '../store/events-repo';
import { tagEvents, starEvent } from '../annotate';
import { countEvents, eventContext, explainQuery, histogram, pivot, queryEvents, topFieldValues } from './queries';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const T = Date.UTC(2026, 0, 5, 9) * 1000;

async function fixture() {
  const c = await analysisCase();
  cleanups.push(c.cleanup);
  const ids = c.write([
    ev({
      tsUs: T,
      operation: 'UserLoggedIn',
      category: 'logon',
      source: 'signin',
      actor: 'alice@contoso.com',
      clientIp: '185.73.124.135',
      userAgent: 'python-requests/2.31.0',
      sessionId: 'S-ATTACK',
      summary: 'alice signed in',
    }),
    ev({
      tsUs: T + 5 * MIN,
      operation: 'New-InboxRule',
      category: 'rule-change',
      actor: 'alice@contoso.com',
      clientIp: '185.73.124.135',
      sessionId: 'S-ATTACK',
      object: '..',
      summary: 'New-InboxRule ".." moves invoice mail to RSS Feeds',
    }),
    ev({
      tsUs: T + 10 * MIN,
      operation: 'MailItemsAccessed',
      category: 'mail-read',
      actor: 'alice@contoso.com',
      clientIp: '2a01:111:f400::1',
      sessionId: 'S-ATTACK',
      summary: 'MailItemsAccessed Sync Inbox',
    }),
    ev({
      tsUs: T + 2 * HOUR,
      operation: 'Send',
      category: 'mail-send',
      actor: 'bob@contoso.com',
      mailbox: 'bob@contoso.com',
      clientIp: '8.8.8.8',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0)',
      summary: 'Send "Quarterly numbers"',
    }),
    ev({
      tsUs: T + 3 * HOUR,
      operation: 'Send',
      category: 'mail-send',
      actor: 'carol@contoso.com',
      mailbox: 'carol@contoso.com',
      clientIp: '185.73.1.9',
      summary: 'Send "Payment details changed"',
    }),
    ev({
      tsUs: T + 26 * HOUR,
      operation: 'UserLoginFailed',
      category: 'logon',
      source: 'signin',
      actor: 'bob@contoso.com',
      result: 'failure',
      clientIp: '10.1.2.3',
      summary: 'bob failed to sign in',
    }),
  ]);
  return { ...c, ids };
}

const ids = (page: { events: { id: number }[] }) => page.events.map((e) => e.id);

describe('queryEvents: the search language over a case', () => {
  it('matches free text, phrases and prefixes through FTS', async () => {
    const f = await fixture();
    const s = f.session;
    expect(ids(queryEvents(s, { query: 'invoice' }))).toEqual([f.ids[1]]);
    expect(ids(queryEvents(s, { query: '"payment details"' }))).toEqual([f.ids[4]]);
    expect(ids(queryEvents(s, { query: '"details payment"' }))).toEqual([]);
    expect(ids(queryEvents(s, { query: 'quarter*' }))).toEqual([f.ids[3]]);
    // FTS syntax in user text is inert.
    expect(ids(queryEvents(s, { query: '"NEAR(a b)"' }))).toEqual([]);
  });

  it('matches every field, case-insensitively, with wildcards', async () => {
    const f = await fixture();
    const s = f.session;
    expect(ids(queryEvents(s, { query: 'operation:new-inboxrule' }))).toEqual([f.ids[1]]);
    expect(ids(queryEvents(s, { query: 'op:User*' }))).toEqual([f.ids[0], f.ids[5]]);
    expect(ids(queryEvents(s, { query: 'actor:BOB@contoso.com' }))).toEqual([f.ids[3], f.ids[5]]);
    expect(ids(queryEvents(s, { query: 'actor:*@contoso.com' })).length).toBe(6);
    expect(ids(queryEvents(s, { query: 'mailbox:carol@contoso.com' }))).toEqual([f.ids[4]]);
    expect(ids(queryEvents(s, { query: 'ua:python*' }))).toEqual([f.ids[0]]);
    expect(ids(queryEvents(s, { query: 'ua:"Mozilla/5.0 (Windows NT 10.0)"' }))).toEqual([f.ids[3]]);
    expect(ids(queryEvents(s, { query: 'session:s-attack' }))).toEqual(f.ids.slice(0, 3));
    expect(ids(queryEvents(s, { query: 'category:logon' }))).toEqual([f.ids[0], f.ids[5]]);
    expect(ids(queryEvents(s, { query: 'source:signin result:failure' }))).toEqual([f.ids[5]]);
    expect(ids(queryEvents(s, { query: 'object:..' }))).toEqual([f.ids[1]]);
    expect(ids(queryEvents(s, { query: `id:${f.ids[2]}` }))).toEqual([f.ids[2]]);
  });

  it('matches country and ASN from the bundled databases', async () => {
    const f = await fixture();
    const s = f.session;
    expect(ids(queryEvents(s, { query: 'country:us' }))).toEqual([f.ids[3]]);
    expect(ids(queryEvents(s, { query: 'asn:15169' }))).toEqual([f.ids[3]]);
    expect(ids(queryEvents(s, { query: 'asn:AS15169' }))).toEqual([f.ids[3]]);
    expect(ids(queryEvents(s, { query: 'asn:8075' }))).toEqual([f.ids[2]]);
  });

  it('matches IPs exactly, by wildcard and by CIDR (IPv4 and IPv6)', async () => {
    const f = await fixture();
    const s = f.session;
    expect(ids(queryEvents(s, { query: 'ip:185.73.124.135' }))).toEqual([f.ids[0], f.ids[1]]);
    expect(ids(queryEvents(s, { query: 'ip:185.73.0.0/16' }))).toEqual([f.ids[0], f.ids[1], f.ids[4]]);
    expect(ids(queryEvents(s, { query: 'ip:185.73.124.0/24' }))).toEqual([f.ids[0], f.ids[1]]);
    expect(ids(queryEvents(s, { query: 'ip:185.73.*' }))).toEqual([f.ids[0], f.ids[1], f.ids[4]]);
    expect(ids(queryEvents(s, { query: 'ip:2a01:111::/32' }))).toEqual([f.ids[2]]);
    expect(ids(queryEvents(s, { query: 'ip:10.0.0.0/8' }))).toEqual([f.ids[5]]);
    expect(ids(queryEvents(s, { query: 'ip:0.0.0.0/0' })).length).toBe(5);
    await expect(async () => queryEvents(s, { query: 'ip:999.1.1.1/8' })).rejects.toThrow(/column 1: ip: .* is not a CIDR block/);
  });

  it('combines with AND / OR / NOT / parentheses, NOT keeping events without the field', async () => {
    const f = await fixture();
    const s = f.session;
    expect(ids(queryEvents(s, { query: 'actor:alice@contoso.com AND category:logon' }))).toEqual([f.ids[0]]);
    expect(ids(queryEvents(s, { query: 'category:logon OR category:rule-change' }))).toEqual([f.ids[0], f.ids[1], f.ids[5]]);
    expect(ids(queryEvents(s, { query: 'actor:alice@contoso.com NOT (category:logon OR category:mail-read)' }))).toEqual([f.ids[1]]);
    // Events without a user agent match NOT ua:python*.
    expect(ids(queryEvents(s, { query: 'NOT ua:python*' })).length).toBe(5);
    expect(ids(queryEvents(s, { query: '-country:US' })).length).toBe(5);
  });

  it('filters by after: / before: and by range', async () => {
    const f = await fixture();
    const s = f.session;
    expect(ids(queryEvents(s, { query: 'after:2026-01-05T11:00:00Z' }))).toEqual([f.ids[3], f.ids[4], f.ids[5]]);
    expect(ids(queryEvents(s, { query: 'before:2026-01-05T09:05:00Z' }))).toEqual([f.ids[0]]);
    expect(ids(queryEvents(s, { fromUs: T + HOUR, toUs: T + 3 * HOUR }))).toEqual([f.ids[3]]);
  });

  it('matches tags and stars', async () => {
    const f = await fixture();
    const s = f.session;
    tagEvents(s, { ids: [f.ids[1]!, f.ids[2]!], tag: 'malicious' });
    starEvent(s, { id: f.ids[4]!, starred: true });
    expect(ids(queryEvents(s, { query: 'tag:Malicious' }))).toEqual([f.ids[1], f.ids[2]]);
    expect(ids(queryEvents(s, { query: 'tag:mal*' }))).toEqual([f.ids[1], f.ids[2]]);
    expect(ids(queryEvents(s, { query: 'star:true' }))).toEqual([f.ids[4]]);
    expect(ids(queryEvents(s, { query: 'star:false' })).length).toBe(5);
    const page = queryEvents(s, { query: 'tag:malicious' });
    expect(page.events[0]).toMatchObject({ tags: ['malicious'], starred: false });
  });

  it('pages by keyset in both directions without overlap', async () => {
    const f = await fixture();
    const s = f.session;
    const seen: number[] = [];
    let after = null;
    do {
      const page = queryEvents(s, { limit: 4, after });
      seen.push(...ids(page));
      after = page.next;
    } while (after);
    expect(seen).toEqual(f.ids);
    const back: number[] = [];
    let cursor = null;
    do {
      const page = queryEvents(s, { limit: 4, after: cursor, direction: 'desc' });
      back.push(...ids(page));
      cursor = page.next;
    } while (cursor);
    expect(back).toEqual([...f.ids].reverse());
    expect(countEvents(s, { query: 'actor:alice@contoso.com' })).toBe(3);
  });

  it('with several equalities, uses the index of the rarest value', async () => {
    const f = await fixture();
    const s = f.session;
    // category:mail-send has 2 events, actor:alice 3: the category index wins, actor is filtered.
    const plan = explainQuery(s, { query: 'actor:alice@contoso.com category:rule-change' }).join(' ');
    expect(plan).toMatch(/INDEX events_category_ts/);
    const plan2 = explainQuery(s, { query: 'category:mail-send actor:carol@contoso.com' }).join(' ');
    expect(plan2).toMatch(/INDEX events_actor_ts/);
    expect(ids(queryEvents(s, { query: 'category:mail-send actor:carol@contoso.com' }))).toEqual([f.ids[4]]);
  });

  it('uses an index for every timeline query (EXPLAIN QUERY PLAN)', async () => {
    const f = await fixture();
    const s = f.session;
    const queries = [
      '',
      'actor:alice@contoso.com',
      'mailbox:bob@contoso.com',
      'ip:185.73.124.135',
      'session:S-ATTACK',
      'operation:Send',
      'category:logon',
      'source:signin',
      'country:US',
      'asn:15169',
      'ua:python*',
      'result:failure',
      'app:x',
      'token:x',
    ];
    // result and token have no index of their own: they walk the time index (still in order).
    for (const query of queries) {
      const plan = explainQuery(s, { query, fromUs: T, toUs: T + 30 * HOUR }).join(' | ');
      expect(plan, query).toMatch(/USING (COVERING )?INDEX events_\w*ts/);
      expect(plan, query).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    }
  });
});

describe('histogram', () => {
  it('gives identical counts from the aggregate tables and from a scan', async () => {
    const f = await fixture();
    const s = f.session;
    const agg = histogram(s, { fromUs: T - 2 * HOUR, toUs: T + 30 * HOUR, maxBuckets: 40 });
    expect(agg.plan).toMatch(/^aggregate:3600s/);
    expect(agg.bucketUs).toBe(HOUR);
    expect(agg.total).toBe(6);
    const scan = histogram(s, { query: 'after:2000-01-01', fromUs: T - 2 * HOUR, toUs: T + 30 * HOUR, maxBuckets: 40 });
    expect(scan.plan).toMatch(/^scan:/);
    expect(scan.counts).toEqual(agg.counts);
    expect(agg.counts[2]).toBe(3);
  });

  it('chooses the bucket size automatically and aligns the range', async () => {
    const f = await fixture();
    const s = f.session;
    const h = histogram(s, { fromUs: T, toUs: T + 20 * MIN, maxBuckets: 200 });
    expect(h.bucketUs).toBe(10 * 1_000_000);
    expect(h.fromUs % h.bucketUs).toBe(0);
    expect(h.counts.length).toBe(120);
    expect(h.total).toBe(3);
    const whole = histogram(s, {});
    expect(whole.total).toBe(6);
    expect(whole.fromUs).toBeLessThanOrEqual(T);
    expect(whole.toUs).toBeGreaterThan(T + 26 * HOUR);
  });

  it('returns per-group series (aggregate and scan agree)', async () => {
    const f = await fixture();
    const s = f.session;
    const agg = histogram(s, { fromUs: T - 48 * HOUR, toUs: T + 48 * HOUR, maxBuckets: 10, groupBy: 'actor' });
    // 12-hour buckets round up to days for per-user series, which come from the day aggregates.
    expect(agg.bucketUs).toBe(24 * HOUR);
    expect(agg.plan).toMatch(/^aggregate:86400s series:aggregate:86400s/);
    expect(agg.series.map((g) => [g.group, g.total])).toEqual([
      ['alice@contoso.com', 3],
      ['bob@contoso.com', 2],
      ['carol@contoso.com', 1],
    ]);
    const scan = histogram(s, { query: 'after:2000-01-01', fromUs: T - 48 * HOUR, toUs: T + 48 * HOUR, maxBuckets: 10, groupBy: 'actor' });
    expect(scan.plan).toMatch(/series:scan/);
    expect(scan.series).toEqual(agg.series);
    // Hourly per-user series are scanned through the actor index and agree with the day totals.
    const hourly = histogram(s, { fromUs: T - 2 * HOUR, toUs: T + 30 * HOUR, maxBuckets: 40, groupBy: 'actor' });
    expect(hourly.plan).toMatch(/^aggregate:3600s series:scan/);
    expect(hourly.series.map((g) => g.total)).toEqual([3, 2, 1]);
    const withNone = histogram(s, { fromUs: T - 2 * HOUR, toUs: T + 30 * HOUR, groupBy: 'session', groups: ['S-ATTACK', ''] });
    expect(withNone.series.map((g) => [g.group, g.total])).toEqual([
      ['S-ATTACK', 3],
      ['', 3],
    ]);
    const cat = histogram(s, { query: 'actor:alice@contoso.com', groupBy: 'category', groups: ['logon', 'mail-read'] });
    expect(cat.series.map((g) => [g.group, g.total])).toEqual([
      ['logon', 1],
      ['mail-read', 1],
    ]);
  });
});

describe('top values, context, pivots', () => {
  it('lists top values for the whole case and for a query', async () => {
    const f = await fixture();
    const s = f.session;
    expect(topFieldValues(s, { field: 'actor' })).toEqual([
      { value: 'alice@contoso.com', n: 3 },
      { value: 'bob@contoso.com', n: 2 },
      { value: 'carol@contoso.com', n: 1 },
    ]);
    expect(topFieldValues(s, { field: 'operation', query: 'actor:bob@contoso.com' })).toEqual([
      { value: 'Send', n: 1 },
      { value: 'UserLoginFailed', n: 1 },
    ]);
    expect(topFieldValues(s, { field: 'asn', query: 'category:mail-send' })).toEqual([
      { value: '15169', n: 1 },
      { value: '31549', n: 1 },
    ]);
  });

  it('gives context around an event (same actor) and pivots on its values', async () => {
    const f = await fixture();
    const s = f.session;
    const ctx = eventContext(s, { id: f.ids[1]!, minutes: 30 });
    expect(ctx.events.map((e) => e.id)).toEqual(f.ids.slice(0, 3));
    expect(ctx.query).toBe('actor:alice@contoso.com');
    const bySession = pivot(s, { id: f.ids[2]!, by: 'session' });
    expect(bySession.query).toBe('session:S-ATTACK');
    expect(ids(bySession.page)).toEqual(f.ids.slice(0, 3));
    const byUa = pivot(s, { id: f.ids[3]!, by: 'ua' });
    expect(byUa.query).toBe('ua:"Mozilla/5.0 (Windows NT 10.0)"');
    expect(ids(byUa.page)).toEqual([f.ids[3]]);
    expect(() => pivot(s, { id: f.ids[3]!, by: 'app' })).toThrow(/has no app/);
  });
});

describe('freshness', () => {
  it('does not wait for another writer: queries run on the indexes as they are, and catch up later', async () => {
    const f = await fixture();
    const s = f.session;
    // An event written by an import that has not refreshed the indexes yet.
    new EventWriter(s.db).write(ev({ tsUs: T + 40 * HOUR, summary: 'late arrival', actor: 'dave@contoso.com' }), f.evidenceId, 999);
    const other = openEncrypted(f.file, f.passphrase);
    other.exec('BEGIN IMMEDIATE');
    try {
      const t0 = performance.now();
      expect(queryEvents(s, { query: 'actor:dave@contoso.com' }).events.length).toBe(1);
      // Not in the full-text index yet.
      expect(queryEvents(s, { query: 'late' }).events.length).toBe(0);
      expect(performance.now() - t0).toBeLessThan(5000);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(queryEvents(s, { query: 'late' }).events.length).toBe(1);
    expect(topFieldValues(s, { field: 'actor' }).map((v) => v.value)).toContain('dave@contoso.com');
  });
});

describe('free text on common and rare terms', () => {
  it('returns the same pages whichever side drives the plan', async () => {
    const c = await analysisCase();
    cleanups.push(c.cleanup);
    const ids = c.write(
      Array.from({ length: 1200 }, (_, i) =>
        ev({
          tsUs: T + i * MIN,
          summary: i % 2 === 0 ? `invoice ${i}` : i === 601 ? 'rare remittance' : `other ${i}`,
          actor: i % 3 === 0 ? 'alice@contoso.com' : 'bob@contoso.com',
        }),
      ),
    );
    const common = queryEvents(c.session, { query: 'invoice', limit: 5 });
    expect(common.events.map((e) => e.id)).toEqual([ids[0], ids[2], ids[4], ids[6], ids[8]]);
    expect(explainQuery(c.session, { query: 'invoice' }).join(' ')).toMatch(/SCAN events USING (COVERING )?INDEX events_ts/);
    expect(queryEvents(c.session, { query: 'invoice', direction: 'desc', limit: 1 }).events[0]!.id).toBe(ids[1198]);
    expect(countEvents(c.session, { query: 'invoice' })).toBe(600);
    expect(queryEvents(c.session, { query: 'remittance' }).events.map((e) => e.id)).toEqual([ids[601]]);
    expect(queryEvents(c.session, { query: 'invoice actor:alice@contoso.com', limit: 2 }).events.map((e) => e.id)).toEqual([
      ids[0],
      ids[6],
    ]);
  });
});
