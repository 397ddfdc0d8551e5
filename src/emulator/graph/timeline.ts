/**
 * Paging over a time-based source (sign-ins, directory audits): hours are scanned newest first
 * (or oldest first with `$orderby … asc`), each hour's records in time order, with a cursor
 * (hour, position) in the skip token so any page can be asked for again and gives the same answer.
 */
import { HOUR } from '../util/time';
import type { Scenario, UserSet } from '../scenario/scenario';
import type { Stub, StubSource } from '../scenario/plan';

/** Where a page starts. */
export interface Cursor {
  h: number;
  i: number;
}

/** One page of stubs that passed the filter, plus the cursor of the next page (if any). */
export interface StubPage {
  items: { stub: Stub; rec: Record<string, unknown> }[];
  next: Cursor | null;
}

/**
 * Collects up to `top` records of `src` with time in [lo, hi), scanning from `cursor`. `accept`
 * sees each candidate with its built record.
 */
export function pageByHours(
  sc: Scenario,
  src: StubSource,
  lo: number,
  hi: number,
  users: UserSet,
  order: 'asc' | 'desc',
  top: number,
  cursor: Cursor | null,
  accept: (stub: Stub, rec: Record<string, unknown>) => boolean,
  pre?: (stub: Stub) => boolean,
): StubPage {
  const items: StubPage['items'] = [];
  if (hi <= lo) return { items, next: null };
  const firstHour = Math.floor(lo / HOUR);
  const lastHour = Math.floor((hi - 1) / HOUR);
  let h = cursor ? cursor.h : order === 'desc' ? lastHour : firstHour;
  let i = cursor ? cursor.i : 0;
  const step = order === 'desc' ? -1 : 1;
  // Bound the work per request: give back a partial (maybe empty) page with a next link rather
  // than scanning years of empty hours in one go.
  let scanned = 0;
  for (; order === 'desc' ? h >= firstHour : h <= lastHour; h += step, i = 0) {
    const list = sc.hour(src, h, users);
    if (order === 'desc') list.reverse();
    for (; i < list.length; i++) {
      const s = list[i]!;
      if (s.t < lo || s.t >= hi) continue;
      if (pre && !pre(s)) continue;
      const rec = sc.build(s);
      if (!accept(s, rec)) continue;
      if (items.length === top) return { items, next: { h, i } };
      items.push({ stub: s, rec });
    }
    scanned += list.length + 1;
    if (scanned > 200_000 && items.length > 0) {
      const nh = h + step;
      const more = order === 'desc' ? nh >= firstHour : nh <= lastHour;
      return { items, next: more ? { h: nh, i: 0 } : null };
    }
  }
  return { items, next: null };
}
