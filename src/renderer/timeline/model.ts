/**
 * What the timeline draws for a window. When the window holds many events, each group row is one
 * item: a bar chart of per-bucket counts from the histogram (so a row costs one DOM item whatever
 * the case size, and stretches correctly while the user zooms before the next load). When it holds
 * few, the events themselves are items. vis-timeline costs about 0.3 ms per live item here, so
 * these bounds, not the case size, bound every redraw.
 */
import type { EventListItem, Histogram, TimelineGroup } from '../../shared/model/analysis';

/** A window holding at most this many events shows them one by one. */
export const RAW_LIMIT = 300;
/** Group rows at most (the largest groups; the rest fold into "other"). */
export const MAX_GROUP_ROWS = 10;
/** Width of a histogram bucket on screen, in pixels. */
export const BUCKET_PX = 4;
/** Live items at most, whatever the mode (rows + marked row, or events). */
export const ITEM_BUDGET = Math.max(RAW_LIMIT, MAX_GROUP_ROWS + 2);

/** A vis-timeline group. */
export interface TlGroup {
  id: string;
  content: string;
  order: number;
  className?: string;
  title?: string;
}

/** A vis-timeline item (an aggregate row carries its bars; the view renders them). */
export interface TlItem {
  id: string;
  group: string;
  start: number;
  end?: number;
  type: 'range' | 'point' | 'box';
  content: string;
  className: string;
  title: string;
  bars?: RowBars;
}

/** One row's histogram, for drawing and for hit-testing a click or hover. */
export interface RowBars {
  fromUs: number;
  bucketUs: number;
  counts: number[];
  /** Largest count of any (non-marked) row in view: bar heights share one scale. */
  max: number;
  marked: boolean;
}

/** Label of the row of events without a value. */
export const NONE_GROUP = '(none)';
/** Row of events outside the largest groups. */
export const OTHER_GROUP = '(other)';
/** The single row when not grouping. */
export const ALL_GROUP = 'all';
/** Row of tagged or starred events (aggregate mode). */
export const MARKED_GROUP = 'marked';

/** The value of an event for a group dimension. */
export function groupValue(
  ev: Pick<EventListItem, 'category' | 'source' | 'mailbox' | 'clientIp' | 'sessionId' | 'actor'>,
  dim: TimelineGroup,
): string {
  const v = { category: ev.category, source: ev.source, mailbox: ev.mailbox, ip: ev.clientIp, session: ev.sessionId, actor: ev.actor }[dim];
  return v || NONE_GROUP;
}

/** Buckets to ask the histogram for across `widthPx`. */
export function bucketsFor(widthPx: number): number {
  return Math.max(10, Math.min(2000, Math.floor(Math.max(widthPx, 100) / BUCKET_PX)));
}

/** Bar height in percent of the row: log scale, so one busy bucket does not flatten the rest. */
export function barHeight(count: number, max: number): number {
  if (count <= 0) return 0;
  if (max <= 1) return 100;
  return 18 + (82 * Math.log1p(count)) / Math.log1p(max);
}

/** Intensity level (1–5) of a count, on the same log scale. */
export function level(count: number, max: number): number {
  if (count <= 0) return 0;
  if (max <= 1) return 5;
  return Math.min(5, 1 + Math.floor((4 * Math.log1p(count)) / Math.log1p(max)));
}

function label(group: string): string {
  return group === '' ? NONE_GROUP : group;
}

/**
 * Aggregate items: one bar-chart item per row (the largest groups, "other", and the tagged/starred
 * row when `marked` has any). Never more than {@link ITEM_BUDGET} items.
 */
export function aggregateItems(
  h: Histogram,
  grouped: boolean,
  describe: (fromUs: number, toUs: number) => string,
  marked?: Histogram | null,
): { groups: TlGroup[]; items: TlItem[] } {
  const rows: { id: string; content: string; counts: number[]; total: number; className?: string; marked?: boolean }[] = [];
  if (marked && marked.total > 0) {
    rows.push({
      id: MARKED_GROUP,
      content: '★ tagged / starred',
      counts: align(marked, h),
      total: marked.total,
      className: 'marked-row',
      marked: true,
    });
  }
  if (grouped && h.series.length > 0) {
    const other = h.counts.slice();
    for (const s of h.series.slice(0, MAX_GROUP_ROWS)) {
      rows.push({ id: `g:${s.group}`, content: label(s.group), counts: s.counts, total: s.total });
      s.counts.forEach((c, i) => (other[i] = (other[i] ?? 0) - c));
    }
    const rest = other.map((c) => Math.max(0, c));
    const restTotal = rest.reduce((a, b) => a + b, 0);
    if (restTotal > 0) rows.push({ id: `g:${OTHER_GROUP}`, content: OTHER_GROUP, counts: rest, total: restTotal });
  } else {
    rows.push({ id: ALL_GROUP, content: 'All events', counts: h.counts, total: h.total });
  }
  const max = Math.max(1, ...rows.filter((r) => !r.marked).flatMap((r) => r.counts));
  const start = h.fromUs / 1000;
  const end = h.toUs / 1000;
  const items = rows
    .filter((r) => r.total > 0)
    .slice(0, ITEM_BUDGET)
    .map<TlItem>((r) => ({
      id: `a|${r.id}|${h.fromUs}|${h.bucketUs}|${h.counts.length}`,
      group: r.id,
      start,
      end,
      type: 'range',
      content: '',
      className: `agg${r.marked ? ' marked' : ''}`,
      title: escapeHtml(
        `${label(r.content)}: ${r.total.toLocaleString('en-US')} event${r.total === 1 ? '' : 's'} · ${describe(h.fromUs, h.toUs)}`,
      ),
      bars: {
        fromUs: h.fromUs,
        bucketUs: h.bucketUs,
        counts: r.counts,
        max: r.marked ? Math.max(1, ...r.counts) : max,
        marked: r.marked === true,
      },
    }));
  return {
    groups: rows.map((r, order) => ({
      id: r.id,
      content: `${escapeHtml(r.content)} <span class="group-n">${compact(r.total)}</span>`,
      order,
      title: `${r.content}: ${r.total.toLocaleString('en-US')}`,
      ...(r.className ? { className: r.className } : {}),
    })),
    items,
  };
}

/** A second histogram's counts on the first's buckets (same range and bucket size when asked alike). */
function align(other: Histogram, base: Histogram): number[] {
  if (other.bucketUs === base.bucketUs && other.fromUs === base.fromUs && other.counts.length === base.counts.length) return other.counts;
  const out = new Array<number>(base.counts.length).fill(0);
  other.counts.forEach((c, i) => {
    const t = other.fromUs + i * other.bucketUs;
    const k = Math.floor((t - base.fromUs) / base.bucketUs);
    if (k >= 0 && k < out.length) out[k]! += c;
  });
  return out;
}

/** The bucket of a row under time `us`, with its count and range; null outside the row. */
export function bucketAt(bars: RowBars, us: number): { index: number; count: number; fromUs: number; toUs: number } | null {
  const index = Math.floor((us - bars.fromUs) / bars.bucketUs);
  if (index < 0 || index >= bars.counts.length) return null;
  return {
    index,
    count: bars.counts[index] ?? 0,
    fromUs: bars.fromUs + index * bars.bucketUs,
    toUs: bars.fromUs + (index + 1) * bars.bucketUs,
  };
}

/** Individual event items; rows are the largest groups among them. */
export function rawItems(
  events: EventListItem[],
  dim: TimelineGroup | null,
  describe: (ev: EventListItem) => string,
): { groups: TlGroup[]; items: TlItem[] } {
  let rowOf: (ev: EventListItem) => string = () => ALL_GROUP;
  let groups: TlGroup[] = [{ id: ALL_GROUP, content: `All events <span class="group-n">${compact(events.length)}</span>`, order: 0 }];
  if (dim) {
    const counts = new Map<string, number>();
    for (const ev of events) counts.set(groupValue(ev, dim), (counts.get(groupValue(ev, dim)) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, MAX_GROUP_ROWS);
    const keep = new Set(top.map(([g]) => g));
    const rest = events.length - top.reduce((a, [, c]) => a + c, 0);
    rowOf = (ev) => {
      const g = groupValue(ev, dim);
      return `g:${keep.has(g) ? g : OTHER_GROUP}`;
    };
    groups = top.map(([g, c], order) => ({
      id: `g:${g}`,
      content: `${escapeHtml(g)} <span class="group-n">${compact(c)}</span>`,
      order,
      title: g,
    }));
    if (rest > 0)
      groups.push({
        id: `g:${OTHER_GROUP}`,
        content: `${OTHER_GROUP} <span class="group-n">${compact(rest)}</span>`,
        order: groups.length,
      });
  }
  const items = events.slice(0, ITEM_BUDGET).map<TlItem>((ev) => ({
    id: `e|${ev.id}`,
    group: rowOf(ev),
    start: ev.tsUs / 1000,
    type: 'point',
    content: escapeHtml(ev.operation),
    className: [
      'ev',
      `cat-${ev.category}`,
      ev.tags.length ? 'tagged' : '',
      ev.starred ? 'starred' : '',
      ev.result === 'failure' ? 'failed' : '',
    ]
      .filter(Boolean)
      .join(' '),
    title: escapeHtml(describe(ev)),
  }));
  return { groups, items };
}

/** `1.2k`, `34k`, `1.5M`. */
export function compact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Group labels and titles are HTML in vis-timeline: escape them. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Which ids to remove, add and update to turn `current` into `next` (stable ids keep their DOM). */
export function diffItems(current: Map<string, TlItem>, next: TlItem[]): { remove: string[]; add: TlItem[]; update: TlItem[] } {
  const nextIds = new Set(next.map((i) => i.id));
  const remove = [...current.keys()].filter((id) => !nextIds.has(id));
  const add: TlItem[] = [];
  const update: TlItem[] = [];
  for (const item of next) {
    const old = current.get(item.id);
    if (!old) add.push(item);
    else if (
      old.content !== item.content ||
      old.className !== item.className ||
      old.title !== item.title ||
      old.group !== item.group ||
      old.bars !== item.bars
    )
      update.push(item);
  }
  return { remove, add, update };
}
