import { describe, expect, it } from 'vitest';
import type { EventListItem, Histogram } from '../../shared/model/analysis';
import {
  aggregateItems,
  barHeight,
  bucketAt,
  bucketsFor,
  diffItems,
  escapeHtml,
  ITEM_BUDGET,
  level,
  MAX_GROUP_ROWS,
  rawItems,
  type TlItem,
} from './model';

const H = 3_600_000_000;

function histogram(counts: number[], series: { group: string; counts: number[] }[] = []): Histogram {
  return {
    fromUs: 1_000 * H,
    toUs: (1_000 + counts.length) * H,
    bucketUs: H,
    counts,
    total: counts.reduce((a, b) => a + b, 0),
    series: series.map((s) => ({ ...s, total: s.counts.reduce((a, b) => a + b, 0) })),
    plan: 'test',
  };
}

function event(id: number, over: Partial<EventListItem> = {}): EventListItem {
  return {
    id,
    tsUs: 1_000 * H + id,
    source: 'ual',
    recordType: null,
    operation: 'Send',
    category: 'mail-send',
    actor: `user${id % 20}@contoso.com`,
    mailbox: null,
    clientIp: null,
    country: null,
    asn: null,
    asOrg: null,
    userAgent: null,
    clientApp: null,
    appId: null,
    sessionId: null,
    tokenId: null,
    deviceId: null,
    result: 'success',
    object: null,
    summary: `event ${id}`,
    recordKey: null,
    evidenceId: 1,
    recordIndex: id,
    examinerAdded: false,
    tags: [],
    starred: false,
    comments: 0,
    ...over,
  };
}

describe('timeline model', () => {
  it('asks for buckets by width and keeps bars on a shared log scale', () => {
    expect(bucketsFor(1600)).toBe(400);
    expect(bucketsFor(20)).toBe(25);
    expect(bucketsFor(1e9)).toBe(2000);
    expect(barHeight(0, 100)).toBe(0);
    expect(barHeight(100, 100)).toBe(100);
    expect(barHeight(1, 1_000_000)).toBeGreaterThan(18);
    expect(level(1, 1_000_000)).toBe(1);
    expect(level(1_000_000, 1_000_000)).toBe(5);
  });

  it('draws one item per row whatever the number of buckets or events', () => {
    const counts = Array.from({ length: 2000 }, (_, i) => 500 + (i % 7));
    const series = Array.from({ length: 30 }, (_, g) => ({ group: `mbx${g}@contoso.com`, counts: counts.map((c) => Math.floor(c / 40)) }));
    const { groups, items } = aggregateItems(histogram(counts, series), true, () => 'range');
    // The largest MAX_GROUP_ROWS groups, plus "(other)" for the rest.
    expect(groups).toHaveLength(MAX_GROUP_ROWS + 1);
    expect(groups.at(-1)!.content).toMatch(/^\(other\)/);
    expect(items).toHaveLength(MAX_GROUP_ROWS + 1);
    expect(items.length).toBeLessThanOrEqual(ITEM_BUDGET);
    const other = items.find((i) => i.group === 'g:(other)')!;
    // "other" holds exactly what the named rows do not.
    expect(other.bars!.counts[0]).toBe(counts[0]! - MAX_GROUP_ROWS * Math.floor(counts[0]! / 40));
    expect(items.every((i) => i.bars!.counts.length === 2000)).toBe(true);
  });

  it('adds the tagged/starred row on its own scale and finds buckets under the pointer', () => {
    const h = histogram([0, 5, 10, 0]);
    const marked = { ...histogram([0, 0, 1, 0]) };
    const { groups, items } = aggregateItems(h, false, () => 'r', marked);
    expect(groups.map((g) => g.id)).toEqual(['marked', 'all']);
    const row = items.find((i) => i.group === 'marked')!;
    expect(row.bars).toMatchObject({ marked: true, max: 1 });
    expect(bucketAt(row.bars!, h.fromUs + 2.5 * H)).toEqual({ index: 2, count: 1, fromUs: h.fromUs + 2 * H, toUs: h.fromUs + 3 * H });
    expect(bucketAt(row.bars!, h.fromUs - 1)).toBeNull();
    expect(bucketAt(row.bars!, h.toUs)).toBeNull();
  });

  it('draws few events one by one, marking tagged, starred and failed ones', () => {
    const events = [event(1, { tags: ['malicious'] }), event(2, { starred: true }), event(3, { result: 'failure' }), event(4)];
    const { groups, items } = rawItems(events, 'actor', (e) => e.summary);
    expect(items.map((i) => i.className)).toEqual([
      'ev cat-mail-send tagged',
      'ev cat-mail-send starred',
      'ev cat-mail-send failed',
      'ev cat-mail-send',
    ]);
    expect(items.every((i) => i.type === 'point' && i.id.startsWith('e|'))).toBe(true);
    expect(groups.map((g) => g.title)).toEqual(['user1@contoso.com', 'user2@contoso.com', 'user3@contoso.com', 'user4@contoso.com']);
    const many = Array.from({ length: 1000 }, (_, i) => event(i + 1));
    expect(rawItems(many, null, () => '').items.length).toBeLessThanOrEqual(ITEM_BUDGET);
  });

  it('escapes labels and tooltips (event text is attacker-controlled)', () => {
    const ev = event(1, { actor: '<img src=x onerror=alert(1)>', summary: '<script>x</script>' });
    const { groups, items } = rawItems([ev], 'actor', (e) => e.summary);
    expect(groups[0]!.content).not.toContain('<img');
    expect(items[0]!.title).toBe('&lt;script&gt;x&lt;/script&gt;');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });

  it('diffs items by id so unchanged ones keep their DOM', () => {
    const a: TlItem = { id: 'e|1', group: 'all', start: 1, type: 'point', content: '', className: 'ev', title: 't' };
    const b: TlItem = { ...a, id: 'e|2' };
    const current = new Map([
      [a.id, a],
      [b.id, b],
    ]);
    const c: TlItem = { ...a, id: 'e|3' };
    const changed: TlItem = { ...b, className: 'ev starred' };
    expect(diffItems(current, [a, changed, c])).toEqual({ remove: [], add: [c], update: [changed] });
    expect(diffItems(current, [c])).toEqual({ remove: ['e|1', 'e|2'], add: [c], update: [] });
  });
});
