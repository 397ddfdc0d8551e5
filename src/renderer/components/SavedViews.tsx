/** Saved views: a query, range, grid columns and timeline grouping under a name (journaled). */
import { useState } from 'react';
import { call, errorMessage } from '../api';
import { useAsync } from '../lib/use-async';
import { useApp } from '../state';

export function SavedViews() {
  const { filter, setFilter, columns, setColumns, groupBy, setGroupBy, dataVersion, notify } = useApp();
  const [local, setLocal] = useState(0);
  const views = useAsync(() => call('views:list', {}), [dataVersion, local]);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const save = async () => {
    try {
      await call('views:save', { name: name.trim(), query: filter.query, fromUs: filter.fromUs, toUs: filter.toUs, columns, groupBy });
      notify('ok', `View “${name.trim()}” saved.`);
      setName('');
      setLocal((v) => v + 1);
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };
  const remove = async (id: number) => {
    try {
      await call('views:delete', { id });
      setLocal((v) => v + 1);
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };
  return (
    <div className="popover-anchor">
      <button
        type="button"
        className={`btn${open ? ' active' : ''}`}
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        data-testid="views"
      >
        Views{views.data ? ` (${views.data.views.length})` : ''}
      </button>
      {open && (
        <div className="popover wide" role="dialog" aria-label="Saved views">
          {views.data?.views.length === 0 && <div className="muted">No saved views yet.</div>}
          {views.data?.views.map((v) => (
            <div key={v.id} className="row">
              <button
                type="button"
                className="link-row grow"
                title={v.query || '(all events)'}
                onClick={() => {
                  setFilter({ query: v.query, fromUs: v.fromUs, toUs: v.toUs });
                  if (v.columns.length) setColumns(v.columns);
                  setGroupBy(v.groupBy);
                  setOpen(false);
                }}
              >
                <strong>{v.name}</strong>{' '}
                <span className="muted mono" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  {v.query || '(all events)'}
                </span>
              </button>
              <button type="button" className="btn ghost small" onClick={() => void remove(v.id)} aria-label={`Delete view ${v.name}`}>
                ×
              </button>
            </div>
          ))}
          <form
            className="row"
            style={{ marginTop: 8 }}
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) void save();
            }}
          >
            <input
              type="text"
              className="grow"
              placeholder="Save current as…"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={200}
            />
            <button type="submit" className="btn small" disabled={!name.trim()}>
              Save
            </button>
          </form>
        </div>
      )}
    </div>
  );
}
