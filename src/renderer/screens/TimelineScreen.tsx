/**
 * Timeline: the vis-timeline view over the query (grouped by mailbox, IP, session, category,
 * source or actor), with the events grid below it filtered by the brushed range, and the detail
 * pane. Shift+drag on the timeline brushes a range; click an event for its detail.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { TIMELINE_GROUPS, type TimelineGroup } from '../../shared/model/analysis';
import { DetailPane } from '../components/DetailPane';
import { QueryBar } from '../components/QueryBar';
import { columnsFor } from '../grid/columns';
import { useToggleStar } from '../grid/use-toggle-star';
import { EventsGrid, type GridSort } from '../grid/EventsGrid';
import { timelineSource } from '../lib/backend';
import { n } from '../lib/format';
import { describeWindow, TimelineView, type TimelineControl, type TimelineLoad } from '../timeline/TimelineView';
import { humanSpan } from '../lib/time';
import { useApp } from '../state';

const GROUP_LABELS: Record<TimelineGroup, string> = {
  mailbox: 'Mailbox',
  ip: 'IP address',
  session: 'Session',
  category: 'Category',
  source: 'Source',
  actor: 'Actor',
};

export function TimelineScreen() {
  const { filter, setFilter, zone, dataVersion, selectedEventId, selectEvent, columns, groupBy, setGroupBy } = useApp();
  const control = useRef<TimelineControl | null>(null);
  const [load, setLoad] = useState<{ load: TimelineLoad; window: { fromUs: number; toUs: number } } | null>(null);
  const [sort, setSort] = useState<GridSort>({ column: 'time', dir: 'asc' });
  const [total, setTotal] = useState<number | null>(null);
  const q = useMemo(() => ({ query: filter.query, fromUs: filter.fromUs, toUs: filter.toUs }), [filter.query, filter.fromUs, filter.toUs]);
  const cols = useMemo(() => columnsFor(columns), [columns]);
  // The grid waits for the timeline's first paint: the host answers one request at a time.
  const [gridReady, setGridReady] = useState(false);
  useEffect(() => {
    const t = window.setTimeout(() => setGridReady(true), 1500);
    return () => window.clearTimeout(t);
  }, []);
  const onStatus = useCallback((l: TimelineLoad, w: { fromUs: number; toUs: number }) => {
    setLoad({ load: l, window: w });
    setGridReady(true);
  }, []);
  const onGridStatus = useCallback((s: { total: number | null }) => setTotal(s.total), []);
  const toggleStar = useToggleStar();
  return (
    <div className="split">
      <div className="screen fill grow" data-testid="timeline-screen">
        <div className="screen-head">
          <h1>Timeline</h1>
          <label className="row" style={{ gap: 6 }}>
            <span className="muted">Group by</span>
            <select
              value={groupBy ?? ''}
              onChange={(e) => setGroupBy((e.target.value || null) as TimelineGroup | null)}
              data-testid="group-by"
            >
              <option value="">none</option>
              {TIMELINE_GROUPS.map((g) => (
                <option key={g} value={g}>
                  {GROUP_LABELS[g]}
                </option>
              ))}
            </select>
          </label>
          <div className="row right">
            <button type="button" className="btn small" onClick={() => control.current?.pan(-0.5)} title="Earlier" data-testid="pan-left">
              ◀
            </button>
            <button type="button" className="btn small" onClick={() => control.current?.pan(0.5)} title="Later" data-testid="pan-right">
              ▶
            </button>
            <button type="button" className="btn small" onClick={() => control.current?.zoom(0.5)} title="Zoom in" data-testid="zoom-in">
              +
            </button>
            <button type="button" className="btn small" onClick={() => control.current?.zoom(2)} title="Zoom out" data-testid="zoom-out">
              −
            </button>
            <button type="button" className="btn small" onClick={() => control.current?.fit()} data-testid="fit">
              Fit
            </button>
            <button
              type="button"
              className="btn small"
              disabled={!load}
              title="Show only the events in view in the grid"
              onClick={() => load && setFilter({ fromUs: Math.floor(load.window.fromUs), toUs: Math.ceil(load.window.toUs) })}
            >
              Grid = view
            </button>
          </div>
        </div>
        <QueryBar value={filter.query} onApply={(query) => setFilter({ query })} />
        <div className="timeline-pane">
          <TimelineView
            source={timelineSource}
            query={filter.query}
            groupBy={groupBy}
            zone={zone}
            version={dataVersion}
            selectedEventId={selectedEventId}
            onSelectEvent={selectEvent}
            onBrush={(fromUs, toUs) => setFilter({ fromUs, toUs })}
            brush={filter.fromUs !== null && filter.toUs !== null ? { fromUs: filter.fromUs, toUs: filter.toUs } : null}
            onStatus={onStatus}
            ref={control}
          />
        </div>
        <div className="row muted" style={{ fontSize: 11 }} data-testid="timeline-status">
          {load ? (
            <>
              {describeWindow(load.window.fromUs, load.window.toUs, zone)} ·{' '}
              {load.load.mode === 'aggregate'
                ? `${n(load.load.events)} events in ${humanSpan(load.load.bucketUs ?? 0)} buckets (${n(load.load.items)} bars)`
                : load.load.mode === 'events'
                  ? `${n(load.load.events)} events shown individually`
                  : 'no events here'}
            </>
          ) : (
            'Loading…'
          )}
          <span className="right">Shift+drag to brush a range · click an aggregate to zoom in · wheel to zoom</span>
        </div>
        <div className="row" style={{ fontSize: 12 }}>
          <strong>{total === null ? '…' : n(total)}</strong>&nbsp;
          <span className="muted">events{filter.fromUs !== null ? ' in the brushed range' : ''}</span>
        </div>
        <div className="grid-pane">
          {gridReady && (
            <EventsGrid
              q={q}
              columns={cols}
              zone={zone}
              sort={sort}
              onSort={setSort}
              version={dataVersion}
              selectedId={selectedEventId}
              onSelect={selectEvent}
              onToggleStar={toggleStar}
              onStatus={onGridStatus}
            />
          )}
        </div>
      </div>
      {selectedEventId !== null && <DetailPane eventId={selectedEventId} onClose={() => selectEvent(null)} />}
    </div>
  );
}
