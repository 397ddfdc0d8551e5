/**
 * The vis-timeline view. Only the visible window (plus a margin for smooth panning) is loaded: a
 * histogram decides between per-bucket aggregates (counts, a heat strip per group row) and the
 * individual events, so the live item count stays within {@link ITEM_BUDGET} at any case size.
 * Click an event for its detail, click an aggregate to zoom into it, Shift+drag to brush a range.
 */
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { DataSet, moment, Timeline, type TimelineEventProperties } from 'vis-timeline/standalone';
import 'vis-timeline/styles/vis-timeline-graph2d.min.css';
import type { EventListItem, Histogram, TimelineGroup } from '../../shared/model/analysis';
import { errorMessage } from '../api';
import { formatUs, humanSpan, offsetMinutes } from '../lib/time';
import {
  aggregateItems,
  barHeight,
  bucketAt,
  bucketsFor,
  diffItems,
  level,
  MAX_GROUP_ROWS,
  RAW_LIMIT,
  rawItems,
  type RowBars,
  type TlGroup,
  type TlItem,
} from './model';

/** What the timeline reads. */
export interface TimelineSource {
  histogram(q: {
    query: string;
    fromUs?: number;
    toUs?: number;
    maxBuckets: number;
    groupBy?: TimelineGroup;
    topGroups?: number;
  }): Promise<Histogram>;
  events(q: { query: string; fromUs: number; toUs: number; limit: number }): Promise<EventListItem[]>;
  /** Times (µs) of the tagged or starred events among `query`'s (few, so read once per query and data version). */
  markedTimes(query: string): Promise<number[]>;
}

/** Reported after every load (the bench and the e2e tests listen for it as `mt:timeline`). */
export interface TimelineLoad {
  seq: number;
  mode: 'aggregate' | 'events' | 'empty';
  items: number;
  events: number;
  bucketUs: number | null;
  ms: number;
}

interface Props {
  source: TimelineSource;
  query: string;
  groupBy: TimelineGroup | null;
  zone: string;
  /** Bumped when case data changed. */
  version: number;
  selectedEventId: number | null;
  onSelectEvent: (id: number) => void;
  onBrush: (fromUs: number, toUs: number) => void;
  /** The brushed range, drawn as a band across all rows. */
  brush?: { fromUs: number; toUs: number } | null;
  /** Window to show first (µs); the whole matching span when null. */
  initialWindow?: { fromUs: number; toUs: number } | null;
  onStatus?: (load: TimelineLoad, window: { fromUs: number; toUs: number }) => void;
  /** The view's controls (zoom buttons, fit). */
  ref?: Ref<TimelineControl>;
}

/** Imperative controls of the view. */
export interface TimelineControl {
  /** Zooms around the centre: `factor` < 1 zooms in. */
  zoom(factor: number): void;
  /** Moves the window by `fraction` of its width (negative: earlier). */
  pan(fraction: number): void;
  /** Shows the whole matching span. */
  fit(): void;
  /** Shows `[fromUs, toUs)`. */
  show(fromUs: number, toUs: number): void;
}

const MARGIN = 0.25;

export function TimelineView({ ref, ...props }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const overlay = useRef<HTMLDivElement>(null);
  const tooltip = useRef<HTMLDivElement>(null);
  const tl = useRef<Timeline | null>(null);
  const items = useRef(new DataSet<VisItem>());
  const groups = useRef(new DataSet<TlGroup>());
  const live = useRef(new Map<string, TlItem>());
  const marked = useRef<{ key: string; times: Promise<number[]> } | null>(null);
  const expected = useRef<{ start: number; end: number } | null>(null);
  const seq = useRef(0);
  const latest = useRef(props);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    latest.current = props;
  });

  // Swaps a new set of groups and items in, keeping the DOM of items that did not change.
  const apply = useCallback((next: { groups: TlGroup[]; items: TlItem[] }) => {
    const g = groups.current;
    const gIds = new Set(next.groups.map((x) => x.id));
    const staleGroups = g.getIds().filter((id) => !gIds.has(id));
    if (staleGroups.length) g.remove(staleGroups);
    g.update(next.groups);
    const { remove, add, update } = diffItems(live.current, next.items);
    if (remove.length) items.current.remove(remove);
    if (update.length) items.current.update(update.map(toVis));
    if (add.length) items.current.add(add.map(toVis));
    live.current = new Map(next.items.map((i) => [i.id, i]));
    const sel = latest.current.selectedEventId;
    if (sel !== null && live.current.has(`e|${sel}`)) tl.current?.setSelection(`e|${sel}`);
  }, []);

  // Loads the window [fromUs, toUs) and swaps the items in.
  const load = useCallback(
    /** Loads `[fromUs, toUs)` plus margins, or (`fit`) the whole matching span and shows it. */
    async (target: { fromUs: number; toUs: number } | 'fit') => {
      const { source, query, groupBy, zone, onStatus } = latest.current;
      const id = ++seq.current;
      const t0 = performance.now();
      setBusy(true);
      const fit = target === 'fit';
      const span = fit ? 0 : target.toUs - target.fromUs;
      const width = (container.current?.clientWidth ?? 1200) * (fit ? 1 : 1 + 2 * MARGIN);
      try {
        // Fitting asks for the matching span itself: one round trip gives the range and the bars.
        const h = await source.histogram({
          query,
          ...(fit ? {} : { fromUs: Math.floor(target.fromUs - span * MARGIN), toUs: Math.ceil(target.toUs + span * MARGIN) }),
          maxBuckets: bucketsFor(width),
          ...(groupBy ? { groupBy, topGroups: MAX_GROUP_ROWS } : {}),
        });
        if (id !== seq.current) return;
        const from = fit ? h.fromUs : Math.floor(target.fromUs - span * MARGIN);
        const to = fit ? h.toUs : Math.ceil(target.toUs + span * MARGIN);
        let fromUs = fit ? h.fromUs : target.fromUs;
        let toUs = fit ? h.toUs : target.toUs;
        if (fit && h.total > 0) {
          // Room on the right for the labels of the last events.
          const dataSpan = Math.max(h.toUs - h.fromUs, 60_000_000);
          fromUs = h.fromUs - dataSpan * 0.03;
          toUs = h.toUs + dataSpan * 0.15;
          expected.current = { start: fromUs / 1000, end: toUs / 1000 };
          tl.current?.setWindow(fromUs / 1000, toUs / 1000, { animation: false });
        }
        let next: { groups: TlGroup[]; items: TlItem[] };
        let mode: TimelineLoad['mode'];
        if (h.total === 0) {
          next = { groups: [], items: [] };
          mode = 'empty';
        } else if (h.total <= RAW_LIMIT) {
          const events = await source.events({ query, fromUs: from, toUs: to, limit: RAW_LIMIT });
          if (id !== seq.current) return;
          next = rawItems(
            events,
            groupBy,
            (ev) =>
              `${formatUs(ev.tsUs, zone, 3)} · ${ev.operation}${ev.actor ? ` · ${ev.actor}` : ''}${ev.clientIp ? ` · ${ev.clientIp}` : ''}\n${ev.summary}`,
          );
          mode = 'events';
        } else {
          next = aggregateItems(h, groupBy !== null, (a, b) => `${formatUs(a, zone, 0)} – ${formatUs(b, zone, 0)}`);
          mode = 'aggregate';
          // The tagged/starred row follows (read once per query and data version; the view never waits for it).
          const key = `${query}\u0000${latest.current.version}`;
          if (marked.current?.key !== key) marked.current = { key, times: source.markedTimes(query).catch(() => []) };
          void marked.current.times.then((times) => {
            if (id !== seq.current || times.length === 0) return;
            const counts = new Array<number>(h.counts.length).fill(0);
            for (const t of times) {
              const k = Math.floor((t - h.fromUs) / h.bucketUs);
              if (k >= 0 && k < counts.length) counts[k]!++;
            }
            const m = { ...h, counts, total: counts.reduce((a, b) => a + b, 0), series: [] };
            if (m.total > 0) apply(aggregateItems(h, groupBy !== null, (a, b) => `${formatUs(a, zone, 0)} – ${formatUs(b, zone, 0)}`, m));
          });
        }
        apply(next);
        setError(null);
        // Events in the window itself (the load also covers a margin on each side).
        let inView = 0;
        h.counts.forEach((c, k) => {
          const a = h.fromUs + k * h.bucketUs;
          if (a + h.bucketUs > fromUs && a < toUs) inView += c;
        });
        const report: TimelineLoad = {
          seq: id,
          mode,
          items: next.items.length,
          events: mode === 'events' ? h.total : inView,
          bucketUs: mode === 'aggregate' ? h.bucketUs : null,
          ms: 0,
        };
        // "Interactive" = the new items are painted: wait for the frame after vis-timeline's redraw.
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            if (id !== seq.current) return;
            report.ms = performance.now() - t0;
            setBusy(false);
            container.current?.setAttribute('data-load', JSON.stringify(report));
            window.dispatchEvent(new CustomEvent('mt:timeline', { detail: report }));
            onStatus?.(report, { fromUs, toUs });
          }),
        );
      } catch (err) {
        if (id !== seq.current) return;
        setBusy(false);
        setError(errorMessage(err));
      }
    },
    [apply],
  );

  // Create the timeline once.
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    // vis-timeline draws its axis through this: shift every moment to the display zone's offset at
    // that instant (so DST changes show where they happen).
    const zoned = (date?: Date | number | string) => {
      const d = date === undefined ? moment() : moment(date);
      const ms = d.valueOf();
      return Number.isFinite(ms) ? d.utcOffset(offsetMinutes(ms * 1000, latest.current.zone)) : d;
    };
    const timeline = new Timeline(el, items.current as DataSet<never>, groups.current as DataSet<never>, {
      moment: zoned,
      // Events stack so their labels do not overlap (aggregate rows are one item each).
      stack: true,
      orientation: { axis: 'top', item: 'top' },
      zoomMin: 1000,
      zoomMax: 20 * 365 * 86400 * 1000,
      showCurrentTime: false,
      selectable: true,
      multiselect: false,
      groupOrder: 'order',
      verticalScroll: true,
      maxHeight: '100%',
      height: '100%',
      margin: { item: { horizontal: 0, vertical: 4 }, axis: 4 },
      tooltip: { followMouse: true, overflowMethod: 'cap', delay: 80 },
      showTooltips: true,
      xss: { disabled: false },
    });
    tl.current = timeline;
    let timer = 0;
    const onRange = (p: { start: Date; end: Date; byUser?: boolean }) => {
      window.clearTimeout(timer);
      // The window a fit just set (and already loaded) is not a reason to load again.
      const e = expected.current;
      expected.current = null;
      const tolerance = (p.end.getTime() - p.start.getTime()) * 1e-6 + 1;
      if (e && Math.abs(e.start - p.start.getTime()) <= tolerance && Math.abs(e.end - p.end.getTime()) <= tolerance) return;
      timer = window.setTimeout(() => void load({ fromUs: p.start.getTime() * 1000, toUs: p.end.getTime() * 1000 }), 40);
    };
    const onClick = (p: TimelineEventProperties) => {
      if (!p.item) return;
      const id = String(p.item);
      if (id.startsWith('e|')) latest.current.onSelectEvent(Number(id.slice(2)));
      else if (id.startsWith('a|')) {
        const bars = live.current.get(id)?.bars;
        const b = bars ? bucketAt(bars, p.time.getTime() * 1000) : null;
        if (bars && b)
          timeline.setWindow((b.fromUs - 10 * bars.bucketUs) / 1000, (b.toUs + 10 * bars.bucketUs) / 1000, { animation: false });
      }
    };
    // 'rangechange' fires at once for every change (vis-timeline delays 'rangechanged' by 200 ms);
    // the debounce above turns a drag or a burst of wheel ticks into one load.
    timeline.on('rangechange', onRange as never);
    timeline.on('click', onClick as never);
    return () => {
      window.clearTimeout(timer);
      timeline.destroy();
      tl.current = null;
      live.current = new Map();
    };
  }, [load]);

  const fitted = useRef<{ query: string; groupBy: TimelineGroup | null } | null>(null);
  const fitToData = useCallback(() => load('fit'), [load]);

  useImperativeHandle(
    ref,
    () => ({
      zoom: (factor: number) => {
        const w = tl.current?.getWindow();
        if (!w) return;
        const a = w.start.getTime();
        const b = w.end.getTime();
        const mid = (a + b) / 2;
        const half = ((b - a) / 2) * factor;
        tl.current?.setWindow(mid - half, mid + half, { animation: false });
      },
      pan: (fraction: number) => {
        const w = tl.current?.getWindow();
        if (!w) return;
        const shift = (w.end.getTime() - w.start.getTime()) * fraction;
        tl.current?.setWindow(w.start.getTime() + shift, w.end.getTime() + shift, { animation: false });
      },
      fit: () => void fitToData(),
      show: (fromUs: number, toUs: number) => tl.current?.setWindow(fromUs / 1000, toUs / 1000, { animation: false }),
    }),
    [fitToData],
  );

  // (Re)load when the query, grouping or data change. A new query or grouping fits the view to the
  // matching span; changed data (a tag, an import) reloads the window in view.
  useEffect(() => {
    const timeline = tl.current;
    if (!timeline) return;
    let cancelled = false;
    const same = fitted.current && fitted.current.query === props.query && fitted.current.groupBy === props.groupBy;
    fitted.current = { query: props.query, groupBy: props.groupBy };
    void (async () => {
      const { initialWindow } = latest.current;
      try {
        if (same) {
          const w = timeline.getWindow();
          await load({ fromUs: w.start.getTime() * 1000, toUs: w.end.getTime() * 1000 });
          return;
        }
        if (!initialWindow) {
          await fitToData();
          return;
        }
        timeline.setWindow(initialWindow.fromUs / 1000, initialWindow.toUs / 1000, { animation: false });
        await load(initialWindow);
      } catch (err) {
        if (!cancelled) setError(errorMessage(err));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [props.query, props.groupBy, props.version, load, fitToData]);

  // Zone change: redraw the axis in the new zone.
  useEffect(() => {
    tl.current?.redraw();
  }, [props.zone]);

  // The brushed range stays visible as a background band (not part of the loaded items).
  const brushFrom = props.brush?.fromUs ?? null;
  const brushTo = props.brush?.toUs ?? null;
  useEffect(() => {
    const data = items.current;
    if (brushFrom === null || brushTo === null) {
      if (data.get(BRUSH_ID)) data.remove(BRUSH_ID);
      return;
    }
    data.update({
      id: BRUSH_ID,
      start: brushFrom / 1000,
      end: brushTo / 1000,
      type: 'background',
      content: '',
      className: 'brushed',
      title: '',
    });
  }, [brushFrom, brushTo]);

  // Keep the selection in sync with the detail pane.
  useEffect(() => {
    if (!tl.current) return;
    const id = props.selectedEventId !== null ? `e|${props.selectedEventId}` : null;
    tl.current.setSelection(id && live.current.has(id) ? id : []);
  }, [props.selectedEventId]);

  // Hovering a bar chart tells the bucket's count and range.
  useEffect(() => {
    const el = container.current;
    const tip = tooltip.current;
    if (!el || !tip) return;
    const move = (e: PointerEvent) => {
      const timeline = tl.current;
      const props = timeline?.getEventProperties(e);
      const bars = props?.item ? live.current.get(String(props.item))?.bars : undefined;
      const b = bars && props ? bucketAt(bars, props.time.getTime() * 1000) : null;
      if (!b || e.buttons) {
        tip.style.display = 'none';
        return;
      }
      const zone = latest.current.zone;
      tip.textContent = `${b.count.toLocaleString('en-US')} event${b.count === 1 ? '' : 's'}${bars?.marked ? ' tagged or starred' : ''}\n${formatUs(b.fromUs, zone, 0)} – ${formatUs(b.toUs, zone, 0)}\nclick to zoom in`;
      const r = el.getBoundingClientRect();
      Object.assign(tip.style, {
        display: 'block',
        left: `${Math.min(e.clientX - r.left + 14, r.width - 260)}px`,
        top: `${e.clientY - r.top + 14}px`,
      });
    };
    const leave = () => (tip.style.display = 'none');
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerleave', leave);
    return () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerleave', leave);
    };
  }, []);

  // Shift+drag brushes a time range (captured before vis-timeline's own panning).
  useEffect(() => {
    const el = container.current;
    const box = overlay.current;
    if (!el || !box) return;
    let startX: number | null = null;
    let startTime = 0;
    const down = (e: PointerEvent) => {
      if (!e.shiftKey || e.button !== 0 || !tl.current) return;
      e.stopPropagation();
      e.preventDefault();
      startX = e.clientX;
      startTime = tl.current.getEventProperties(e).time.getTime();
      el.setPointerCapture(e.pointerId);
      Object.assign(box.style, { display: 'block', left: `${e.clientX - el.getBoundingClientRect().left}px`, width: '0px' });
    };
    const move = (e: PointerEvent) => {
      if (startX === null) return;
      e.stopPropagation();
      const left = el.getBoundingClientRect().left;
      const a = Math.min(startX, e.clientX) - left;
      Object.assign(box.style, { left: `${a}px`, width: `${Math.abs(e.clientX - startX)}px` });
    };
    const up = (e: PointerEvent) => {
      if (startX === null || !tl.current) return;
      e.stopPropagation();
      const endTime = tl.current.getEventProperties(e).time.getTime();
      const moved = Math.abs(e.clientX - startX);
      startX = null;
      box.style.display = 'none';
      if (moved < 4) return;
      const [a, b] = startTime < endTime ? [startTime, endTime] : [endTime, startTime];
      latest.current.onBrush(Math.floor(a * 1000), Math.ceil(b * 1000));
    };
    el.addEventListener('pointerdown', down, true);
    el.addEventListener('pointermove', move, true);
    el.addEventListener('pointerup', up, true);
    return () => {
      el.removeEventListener('pointerdown', down, true);
      el.removeEventListener('pointermove', move, true);
      el.removeEventListener('pointerup', up, true);
    };
  }, []);

  return (
    <div className="timeline-wrap" data-busy={busy ? 'true' : 'false'}>
      {/* vis-timeline makes its container position: relative, so the absolute box is a wrapper. */}
      <div className="timeline-abs">
        <div ref={container} className="timeline" data-testid="timeline" />
      </div>
      <div ref={overlay} className="brush" />
      <div ref={tooltip} className="bar-tip" role="tooltip" />
      {error && (
        <div className="banner bad timeline-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** An item as handed to vis-timeline: aggregate rows carry their bar chart as an element. */
type VisItem = Omit<TlItem, 'content' | 'bars' | 'type' | 'group'> & {
  type: TlItem['type'] | 'background';
  group?: string;
  content: string | HTMLElement;
  limitSize?: boolean;
  align?: string;
};

const SVG_NS = 'http://www.w3.org/2000/svg';
const BRUSH_ID = 'brush';

/**
 * A row's bar chart: one path per intensity level (a handful of DOM nodes whatever the bucket
 * count), stretched to the item's width so zooming scales it correctly until the next load.
 */
export function barsElement(bars: RowBars): HTMLElement {
  const n = bars.counts.length;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${n} 100`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'bars');
  const paths = ['', '', '', '', '', ''];
  bars.counts.forEach((c, i) => {
    if (c <= 0) return;
    const h = barHeight(c, bars.max);
    paths[level(c, bars.max)] += `M${i} ${(100 - h).toFixed(1)}h0.86V100H${i}Z`;
  });
  paths.forEach((d, l) => {
    if (!d) return;
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    path.setAttribute('class', `l${l}`);
    svg.appendChild(path);
  });
  const box = document.createElement('div');
  box.className = 'bars-box';
  box.appendChild(svg);
  return box;
}

function toVis(item: TlItem): VisItem {
  const { bars, ...rest } = item;
  if (!bars) return rest;
  return { ...rest, content: barsElement(bars), limitSize: false, align: 'left', title: '' };
}

/** A readable description of a window. */
export function describeWindow(fromUs: number, toUs: number, zone: string): string {
  return `${formatUs(fromUs, zone, 0)} – ${formatUs(toUs, zone, 0)} (${humanSpan(toUs - fromUs)})`;
}
