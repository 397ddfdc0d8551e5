/**
 * The events grid: virtualized rows (@tanstack/react-virtual) over a result of any size. Rows are
 * read in blocks on demand: the next block continues from the previous one's keyset cursor, a
 * jump (scrollbar drag) seeks through histogram counts. Time sorts on the server in both
 * directions; other columns sort in memory when the result is small enough to hold.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { EventListItem } from '../../shared/model/analysis';
import { errorMessage } from '../api';
import { eventsCount, eventsPage, histogram, type RangeQuery } from '../lib/backend';
import { n } from '../lib/format';
import { readRows, type SeekBackend } from '../lib/row-seek';
import type { Column } from './columns';

/** Rows per block read. */
const BLOCK = 100;
/** Results up to this size can be sorted by any column (held in memory). */
export const CLIENT_SORT_LIMIT = 5000;
const ROW_HEIGHT = 26;
/** Whole range when the filter has none. */
const MIN_US = 0;
const MAX_US = 4_102_444_800_000_000;

export interface GridSort {
  column: string;
  dir: 'asc' | 'desc';
}

interface Props {
  q: RangeQuery;
  columns: Column[];
  zone: string;
  sort: GridSort;
  onSort: (sort: GridSort) => void;
  version: number;
  selectedId: number | null;
  onSelect: (id: number) => void;
  onToggleStar?: (row: EventListItem) => void;
  onStatus?: (status: { total: number | null; error: string | null }) => void;
}

export function EventsGrid(props: Props) {
  const { q, columns, zone, sort, onSort, version, selectedId, onSelect, onToggleStar, onStatus } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sorted, setSorted] = useState<EventListItem[] | null>(null);
  const [, setTick] = useState(0);
  const blocks = useRef(new Map<number, EventListItem[]>());
  const pending = useRef(new Set<number>());
  const generation = useRef(0);
  const [cursor, setCursor] = useState<number | null>(null);
  const byServer = sort.column === 'time';
  const dir = byServer ? sort.dir : 'asc';

  // New query, direction or data: start over.
  useEffect(() => {
    const gen = ++generation.current;
    blocks.current = new Map();
    pending.current = new Set();
    let live = true;
    void Promise.resolve().then(async () => {
      if (!live) return;
      setTotal(null);
      setSorted(null);
      setError(null);
      try {
        const count = await eventsCount(q);
        if (!live || gen !== generation.current) return;
        setTotal(count);
        scrollRef.current?.scrollTo({ top: 0 });
      } catch (err) {
        if (live) setError(errorMessage(err));
      }
    });
    return () => {
      live = false;
    };
  }, [q, dir, version]);

  useEffect(() => onStatus?.({ total, error }), [total, error, onStatus]);

  // Sorting by another column: hold the whole (small) result and sort it here.
  useEffect(() => {
    if (byServer || total === null) return;
    if (total > CLIENT_SORT_LIMIT) return;
    const gen = generation.current;
    let live = true;
    void (async () => {
      const all: EventListItem[] = [];
      let after = null;
      for (;;) {
        const page = await eventsPage(q, 1000, after);
        all.push(...page.events);
        if (!page.next) break;
        after = page.next;
      }
      if (!live || gen !== generation.current) return;
      const col = columns.find((c) => c.id === sort.column);
      if (col) {
        const k = col.key;
        all.sort((a, b) => {
          const x = k(a);
          const y = k(b);
          const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
          return (sort.dir === 'asc' ? c : -c) || a.tsUs - b.tsUs || a.id - b.id;
        });
      }
      setSorted(all);
    })().catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [byServer, total, q, sort, columns]);

  const seek: SeekBackend = useMemo(
    () => ({
      histogram: (r) => histogram({ query: q.query, fromUs: r.fromUs, toUs: r.toUs, maxBuckets: r.maxBuckets }),
      count: (r) => eventsCount({ query: q.query, fromUs: r.fromUs, toUs: r.toUs }),
      page: (r) => eventsPage({ query: q.query, fromUs: r.fromUs, toUs: r.toUs }, r.limit, r.after),
    }),
    [q.query],
  );

  const loadBlock = useCallback(
    async (b: number, count: number) => {
      if (blocks.current.has(b) || pending.current.has(b)) return;
      pending.current.add(b);
      const gen = generation.current;
      try {
        const prev = blocks.current.get(b - 1);
        const last = prev && prev.length === BLOCK ? prev[prev.length - 1] : undefined;
        let rows: EventListItem[];
        if (last) {
          // Scrolling on: continue from the previous block's last row.
          rows = (await eventsPage(q, BLOCK, { tsUs: last.tsUs, id: last.id }, dir)).events;
        } else if (dir === 'asc') {
          rows = await readRows(seek, q.fromUs ?? MIN_US, q.toUs ?? MAX_US, b * BLOCK, BLOCK);
        } else {
          // Newest first: row i is row (count - 1 - i) of the time order.
          const end = count - b * BLOCK;
          const start = Math.max(0, end - BLOCK);
          rows = (await readRows(seek, q.fromUs ?? MIN_US, q.toUs ?? MAX_US, start, end - start)).reverse();
        }
        if (gen !== generation.current) return;
        blocks.current.set(b, rows);
        setTick((t) => t + 1);
      } catch (err) {
        if (gen === generation.current) setError(errorMessage(err));
      } finally {
        pending.current.delete(b);
      }
    },
    [q, dir, seek],
  );

  const rowCount = sorted ? sorted.length : byServer || (total ?? 0) > CLIENT_SORT_LIMIT ? (total ?? 0) : 0;
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read in render only, never memoized
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? -1;

  const rowAt = useCallback(
    (i: number): EventListItem | undefined => (sorted ? sorted[i] : blocks.current.get(Math.floor(i / BLOCK))?.[i % BLOCK]),
    [sorted],
  );

  // Load the blocks in view (and half a block ahead), one request at a time and always for the
  // latest view: blocks scrolled past before their turn are never requested.
  const wanted = useRef({ from: 0, to: -1, total: 0 });
  const pumping = useRef(false);
  const loadRef = useRef(loadBlock);
  useEffect(() => {
    loadRef.current = loadBlock;
  });
  const pump = useCallback(async () => {
    if (pumping.current) return;
    pumping.current = true;
    try {
      for (;;) {
        const { from, to, total: count } = wanted.current;
        let next = -1;
        for (let b = from; b <= to; b++) {
          if (!blocks.current.has(b)) {
            next = b;
            break;
          }
        }
        if (next < 0) break;
        const gen = generation.current;
        await loadRef.current(next, count);
        // A failed read leaves the block missing: stop rather than retry in a loop.
        if (gen === generation.current && !blocks.current.has(next)) break;
      }
    } finally {
      pumping.current = false;
    }
  }, []);
  useEffect(() => {
    if (sorted || total === null || lastIndex < 0) return;
    wanted.current = { from: Math.floor(first / BLOCK), to: Math.floor(Math.min(lastIndex + BLOCK / 2, total - 1) / BLOCK), total };
    void pump();
  }, [first, lastIndex, total, sorted, pump, loadBlock]);

  // The selection follows the detail pane.
  const selectedIndex = useMemo(() => {
    if (selectedId === null) return null;
    if (cursor !== null && rowAt(cursor)?.id === selectedId) return cursor;
    for (let i = first; i <= lastIndex; i++) if (rowAt(i)?.id === selectedId) return i;
    return null;
  }, [selectedId, cursor, first, lastIndex, rowAt]);

  const moveTo = (i: number) => {
    if (rowCount === 0) return;
    const k = Math.max(0, Math.min(rowCount - 1, i));
    setCursor(k);
    virtualizer.scrollToIndex(k, { align: 'auto' });
    const row = rowAt(k);
    if (row) onSelect(row.id);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = cursor ?? selectedIndex ?? -1;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(at + 1),
      j: () => moveTo(at + 1),
      ArrowUp: () => moveTo(at - 1),
      k: () => moveTo(at - 1),
      PageDown: () => moveTo(at + pageRows),
      PageUp: () => moveTo(at - pageRows),
      Home: () => moveTo(0),
      End: () => moveTo(rowCount - 1),
      Enter: () => moveTo(Math.max(at, 0)),
      s: () => {
        const row = at >= 0 ? rowAt(at) : undefined;
        if (row) onToggleStar?.(row);
      },
    };
    const fn = keys[e.key];
    if (!fn || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    fn();
  };

  // A cursor row whose block arrived after a keyboard jump gets selected then.
  const cursorRow = cursor !== null ? rowAt(cursor) : undefined;
  useEffect(() => {
    if (cursorRow && cursorRow.id !== selectedId) onSelect(cursorRow.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the row under the cursor appears
  }, [cursorRow?.id]);

  const pick = useCallback(
    (index: number, row: EventListItem | undefined) => {
      setCursor(index);
      if (row) onSelect(row.id);
    },
    [onSelect],
  );

  const template = columns.map((c) => `${c.width}px`).join(' ');
  const width = columns.reduce((s, c) => s + c.width, 0);
  const sortNote = !byServer && total !== null && total > CLIENT_SORT_LIMIT;
  return (
    <div className="grid-wrap" data-testid="events-grid" data-total={total ?? ''}>
      <div className="grid-scroll" ref={scrollRef} tabIndex={0} role="grid" aria-rowcount={rowCount} aria-label="Events" onKeyDown={onKey}>
        <div className="grid-head" role="row" style={{ gridTemplateColumns: template, width }}>
          {columns.map((c) => (
            <button
              key={c.id}
              type="button"
              role="columnheader"
              className={`cell head${sort.column === c.id ? ' sorted' : ''}`}
              aria-sort={sort.column === c.id ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              onClick={() => onSort({ column: c.id, dir: sort.column === c.id && sort.dir === 'asc' ? 'desc' : 'asc' })}
              title={c.id === 'time' ? 'Sort by time' : `Sort by ${c.label} (results up to ${n(CLIENT_SORT_LIMIT)} events)`}
            >
              {c.label}
              {sort.column === c.id ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
            </button>
          ))}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), width, position: 'relative' }}>
          {items.map((vi) => {
            const row = rowAt(vi.index);
            return (
              <GridRow
                key={vi.key}
                index={vi.index}
                start={vi.start}
                row={row}
                selected={row !== undefined && row.id === selectedId}
                columns={columns}
                template={template}
                width={width}
                zone={zone}
                onPick={pick}
              />
            );
          })}
        </div>
      </div>
      {sortNote && (
        <div className="banner warn grid-note">
          Sorting by this column needs a result of at most {n(CLIENT_SORT_LIMIT)} events ({n(total)} match): refine the query, or sort by
          time.
        </div>
      )}
      {error && (
        <div className="banner bad grid-note" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/**
 * One row. Memoized: while scrolling, rows already on screen only move (their props are equal),
 * so a frame renders just the rows that enter.
 */
const GridRow = memo(function GridRow(props: {
  index: number;
  start: number;
  row: EventListItem | undefined;
  selected: boolean;
  columns: Column[];
  template: string;
  width: number;
  zone: string;
  onPick: (index: number, row: EventListItem | undefined) => void;
}) {
  const { index, start, row, selected, columns, template, width, zone, onPick } = props;
  return (
    <div
      role="row"
      aria-rowindex={index + 1}
      aria-selected={selected}
      className={`grid-row${index % 2 ? ' odd' : ''}${selected ? ' selected' : ''}${row?.starred ? ' starred' : ''}${row?.tags.length ? ' tagged' : ''}`}
      style={{ transform: `translateY(${start}px)`, gridTemplateColumns: template, width }}
      onClick={() => onPick(index, row)}
      data-id={row?.id}
    >
      {row ? (
        columns.map((c) => (
          <div key={c.id} role="gridcell" className={`cell col-${c.id}`}>
            {c.render(row, zone)}
          </div>
        ))
      ) : (
        <div className="cell muted loading">…</div>
      )}
    </div>
  );
});
