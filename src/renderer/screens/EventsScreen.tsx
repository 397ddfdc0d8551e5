/** Events: the query bar, saved views, column chooser, the virtualized grid and the detail pane. */
import { useMemo, useState } from 'react';
import { BulkTag } from '../components/BulkTag';
import { ColumnChooser } from '../components/ColumnChooser';
import { DetailPane } from '../components/DetailPane';
import { QueryBar } from '../components/QueryBar';
import { SavedViews } from '../components/SavedViews';
import { columnsFor } from '../grid/columns';
import { useToggleStar } from '../grid/use-toggle-star';
import { EventsGrid, type GridSort } from '../grid/EventsGrid';
import { n } from '../lib/format';
import { useApp } from '../state';

export function EventsScreen() {
  const { filter, setFilter, zone, dataVersion, selectedEventId, selectEvent, columns, openDialog } = useApp();
  const [sort, setSort] = useState<GridSort>({ column: 'time', dir: 'asc' });
  const [status, setStatus] = useState<{ total: number | null; error: string | null }>({ total: null, error: null });
  const q = useMemo(() => ({ query: filter.query, fromUs: filter.fromUs, toUs: filter.toUs }), [filter.query, filter.fromUs, filter.toUs]);
  const cols = useMemo(() => columnsFor(columns), [columns]);
  const toggleStar = useToggleStar();
  return (
    <div className="split">
      <div className="screen fill grow" data-testid="events-screen">
        <div className="screen-head">
          <h1>Events</h1>
          <span className="muted" data-testid="match-count">
            {status.total === null ? '…' : `${n(status.total)} matching`}
          </span>
          <div className="right row">
            <BulkTag total={status.total} />
            <button type="button" className="btn" onClick={() => openDialog('manual')} title="Add an examiner event to the timeline">
              Add event…
            </button>
            <button type="button" className="btn" onClick={() => openDialog('export-events')}>
              Export…
            </button>
            <SavedViews />
            <ColumnChooser />
          </div>
        </div>
        <QueryBar value={filter.query} onApply={(query) => setFilter({ query })} />
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
          onStatus={setStatus}
        />
        <div className="muted" style={{ fontSize: 11 }}>
          ↑/↓ or j/k move · PgUp/PgDn · Home/End · s star · click a column to sort · / search
        </div>
      </div>
      {selectedEventId !== null && <DetailPane eventId={selectedEventId} onClose={() => selectEvent(null)} />}
    </div>
  );
}
