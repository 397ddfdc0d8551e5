/**
 * Random access into a time-ordered result of any size with keyset queries only: a histogram's
 * cumulative counts say in which bucket row `k` lies and how many rows precede that bucket, so the
 * rows can be read from the bucket's start. A bucket too full to skip into is split again by a
 * finer histogram over just that bucket.
 */
import type { EventCursor, EventListItem, Histogram } from '../../shared/model/analysis';

/** Largest number of rows skipped by reading from a bucket start (instead of splitting it). */
export const MAX_SKIP = 800;

/** The bucket holding row `j` of a histogram's ordering and the rows before that bucket. */
export function locate(counts: readonly number[], j: number): { bucket: number; before: number } | null {
  let before = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (j < before + c) return { bucket: i, before };
    before += c;
  }
  return null;
}

/** What reading needs from the backend (all ranges `[fromUs, toUs)`, the grid's query applied). */
export interface SeekBackend {
  histogram(q: { fromUs: number; toUs: number; maxBuckets: number }): Promise<Histogram>;
  count(q: { fromUs: number; toUs: number }): Promise<number>;
  page(q: {
    fromUs: number;
    toUs: number;
    limit: number;
    after: EventCursor | null;
  }): Promise<{ events: EventListItem[]; next: EventCursor | null }>;
}

/**
 * Where row `k` of the events in `[fromUs, toUs)` is: read from `readFrom` and skip `skip` rows.
 * Null when there is no row `k`.
 */
export async function findStart(
  backend: SeekBackend,
  fromUs: number,
  toUs: number,
  k: number,
  depth = 0,
): Promise<{ readFrom: number; skip: number } | null> {
  const h = await backend.histogram({ fromUs, toUs, maxBuckets: 2000 });
  // Buckets are aligned: the first may start before `fromUs`, holding `lead` rows outside our range.
  const lead = h.fromUs < fromUs ? await backend.count({ fromUs: h.fromUs, toUs: fromUs }) : 0;
  const spot = locate(h.counts, k + lead);
  if (!spot) return null;
  const bucketStart = h.fromUs + spot.bucket * h.bucketUs;
  const readFrom = Math.max(bucketStart, fromUs);
  // In bucket 0 reading from `fromUs` already passes the lead rows.
  const skip = spot.bucket === 0 ? k : k + lead - spot.before;
  if (skip > MAX_SKIP && h.bucketUs > 1 && depth < 8) {
    const inner = await findStart(backend, readFrom, Math.min(bucketStart + h.bucketUs, toUs), skip, depth + 1);
    if (inner) return inner;
  }
  return { readFrom, skip };
}

/** Reads rows `[k, k + n)` of the events in `[fromUs, toUs)`, in time order. */
export async function readRows(backend: SeekBackend, fromUs: number, toUs: number, k: number, n: number): Promise<EventListItem[]> {
  const start = await findStart(backend, fromUs, toUs, k);
  if (!start) return [];
  const out: EventListItem[] = [];
  let after: EventCursor | null = null;
  let skip = start.skip;
  while (out.length < n) {
    const page = await backend.page({ fromUs: start.readFrom, toUs, limit: Math.min(1000, skip + n - out.length), after });
    const used = Math.min(skip, page.events.length);
    skip -= used;
    out.push(...page.events.slice(used, used + n - out.length));
    if (!page.next) break;
    after = page.next;
  }
  return out;
}
