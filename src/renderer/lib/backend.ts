/** Event data for the timeline and the grid, over the contract's analysis channels. */
import type { EventCursor, EventListItem, Histogram, TimelineGroup } from '../../shared/model/analysis';
import { call } from '../api';
import type { TimelineSource } from '../timeline/TimelineView';

/** A query plus an optional time range (µs, `[from, to)`). */
export interface RangeQuery {
  query: string;
  fromUs: number | null;
  toUs: number | null;
}

const range = (q: { fromUs?: number | null; toUs?: number | null }) => ({
  ...(q.fromUs !== null && q.fromUs !== undefined ? { fromUs: q.fromUs } : {}),
  ...(q.toUs !== null && q.toUs !== undefined ? { toUs: q.toUs } : {}),
});

/** Combines the search box with the brushed range into one query. */
export function andQuery(a: string, b: string): string {
  const x = a.trim();
  const y = b.trim();
  if (!x) return y;
  if (!y) return x;
  return `(${x}) (${y})`;
}

/** A page of matching events in time order. */
export async function eventsPage(
  q: RangeQuery,
  limit: number,
  after: EventCursor | null = null,
  direction: 'asc' | 'desc' = 'asc',
): Promise<{ events: EventListItem[]; next: EventCursor | null }> {
  return call('events:query', { query: q.query, ...range(q), limit, after, direction });
}

/** Number of matching events. */
export async function eventsCount(q: RangeQuery): Promise<number> {
  return (await call('events:count', { query: q.query, ...range(q) })).count;
}

/** A histogram of matching events. */
export function histogram(q: {
  query: string;
  fromUs?: number | null;
  toUs?: number | null;
  maxBuckets?: number;
  groupBy?: TimelineGroup;
  topGroups?: number;
}): Promise<Histogram> {
  return call('timeline:histogram', {
    query: q.query,
    ...range(q),
    ...(q.maxBuckets ? { maxBuckets: q.maxBuckets } : {}),
    ...(q.groupBy ? { groupBy: q.groupBy } : {}),
    ...(q.topGroups ? { topGroups: q.topGroups } : {}),
  });
}

/** The timeline's data source for a base range (the brushed range narrows nothing here: the timeline shows context). */
export const timelineSource: TimelineSource = {
  histogram: (q) => histogram(q),
  events: async (q) => (await eventsPage({ query: q.query, fromUs: q.fromUs, toUs: q.toUs }, q.limit)).events,
  markedTimes: async (query) => {
    const times: number[] = [];
    let after: EventCursor | null = null;
    // Marked events are the examiner's picks: a few pages at most.
    for (let page = 0; page < 5; page++) {
      const r = await eventsPage({ query: andQuery(query, 'tag:* OR star:true'), fromUs: null, toUs: null }, 1000, after);
      for (const e of r.events) times.push(e.tsUs);
      if (!r.next) break;
      after = r.next;
    }
    return times;
  },
};
