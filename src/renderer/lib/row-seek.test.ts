import { describe, expect, it } from 'vitest';
import type { EventCursor, EventListItem, Histogram } from '../../shared/model/analysis';
import { findStart, locate, MAX_SKIP, readRows, type SeekBackend } from './row-seek';

/** A backend over an in-memory sorted list, with the real histogram semantics (aligned buckets). */
function memoryBackend(times: number[]): SeekBackend & { calls: number } {
  const events = times.map((t, i) => ({ id: i + 1, tsUs: t })).sort((a, b) => a.tsUs - b.tsUs || a.id - b.id) as unknown as EventListItem[];
  const SIZES = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000];
  const b = {
    calls: 0,
    async histogram({ fromUs, toUs, maxBuckets }: { fromUs: number; toUs: number; maxBuckets: number }): Promise<Histogram> {
      b.calls++;
      const size = SIZES.find((s) => Math.ceil((toUs - fromUs) / s) <= maxBuckets) ?? SIZES[SIZES.length - 1]!;
      const origin = Math.floor(fromUs / size) * size;
      const end = Math.ceil(toUs / size) * size;
      const counts = new Array<number>(Math.round((end - origin) / size)).fill(0);
      for (const e of events) if (e.tsUs >= origin && e.tsUs < end) counts[Math.floor((e.tsUs - origin) / size)]!++;
      return { fromUs: origin, toUs: end, bucketUs: size, counts, total: counts.reduce((x, y) => x + y, 0), series: [], plan: 'memory' };
    },
    async count({ fromUs, toUs }: { fromUs: number; toUs: number }) {
      b.calls++;
      return events.filter((e) => e.tsUs >= fromUs && e.tsUs < toUs).length;
    },
    async page({ fromUs, toUs, limit, after }: { fromUs: number; toUs: number; limit: number; after: EventCursor | null }) {
      b.calls++;
      const rows = events.filter(
        (e) => e.tsUs >= fromUs && e.tsUs < toUs && (!after || e.tsUs > after.tsUs || (e.tsUs === after.tsUs && e.id > after.id)),
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { events: page, next: rows.length > limit && last ? { tsUs: last.tsUs, id: last.id } : null };
    },
  };
  return b;
}

describe('row seek', () => {
  it('locates a row in cumulative counts', () => {
    expect(locate([2, 0, 3], 0)).toEqual({ bucket: 0, before: 0 });
    expect(locate([2, 0, 3], 2)).toEqual({ bucket: 2, before: 2 });
    expect(locate([2, 0, 3], 4)).toEqual({ bucket: 2, before: 2 });
    expect(locate([2, 0, 3], 5)).toBeNull();
  });

  it('reads any window of rows exactly, including skewed and unaligned ranges', async () => {
    // 20k events: a dense burst (5k in 50 µs), duplicates at one instant, and a sparse tail.
    const times: number[] = [];
    for (let i = 0; i < 5000; i++) times.push(1_000_000 + (i % 50));
    for (let i = 0; i < 1200; i++) times.push(2_000_003);
    for (let i = 0; i < 13_800; i++) times.push(3_000_000 + i * 997);
    const backend = memoryBackend(times);
    const all = (await backend.page({ fromUs: 0, toUs: 1e12, limit: 1e9, after: null })).events;
    const fromUs = 1_000_017;
    const toUs = 9_000_001;
    const inRange = all.filter((e) => e.tsUs >= fromUs && e.tsUs < toUs);
    for (const k of [0, 1, 799, 801, 3000, 4899, 5000, 5500, 6100, inRange.length - 3]) {
      const rows = await readRows(backend, fromUs, toUs, k, 50);
      expect(
        rows.map((r) => r.id),
        `k=${k}`,
      ).toEqual(inRange.slice(k, k + 50).map((r) => r.id));
    }
    expect(await readRows(backend, fromUs, toUs, inRange.length, 10)).toEqual([]);
  });

  it('never skips more than a page worth when buckets can be split', async () => {
    const times = Array.from({ length: 100_000 }, (_, i) => 5_000_000 + i * 3);
    const backend = memoryBackend(times);
    const start = await findStart(backend, 0, 10_000_000, 73_456);
    expect(start!.skip).toBeLessThanOrEqual(MAX_SKIP);
  });
});
