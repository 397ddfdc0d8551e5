/** Chooses and orders the grid's columns. */
import { useState } from 'react';
import { COLUMNS, DEFAULT_COLUMNS } from '../grid/columns';
import { useApp } from '../state';

export function ColumnChooser() {
  const { columns, setColumns } = useApp();
  const [open, setOpen] = useState(false);
  const toggle = (id: string) =>
    setColumns(
      columns.includes(id) ? columns.filter((c) => c !== id) : COLUMNS.map((c) => c.id).filter((c) => c === id || columns.includes(c)),
    );
  return (
    <div className="popover-anchor">
      <button
        type="button"
        className={`btn${open ? ' active' : ''}`}
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        data-testid="columns"
      >
        Columns
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="Columns">
          {COLUMNS.map((c) => (
            <label key={c.id} className="row" style={{ gap: 6 }}>
              <input type="checkbox" checked={columns.includes(c.id)} onChange={() => toggle(c.id)} disabled={c.id === 'time'} />
              {c.id === 'star' ? 'Star' : c.id === 'comments' ? 'Comments' : c.label}
            </label>
          ))}
          <div className="row" style={{ marginTop: 6 }}>
            <button type="button" className="btn small" onClick={() => setColumns(DEFAULT_COLUMNS)}>
              Defaults
            </button>
            <button type="button" className="btn small right" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
