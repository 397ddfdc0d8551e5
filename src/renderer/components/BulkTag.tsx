/** Tags every event matching the current query and range (journaled with the query). */
import { useState } from 'react';
import { call, errorMessage } from '../api';
import { n } from '../lib/format';
import { useApp } from '../state';

export function BulkTag({ total }: { total: number | null }) {
  const { filter, bumpData, notify } = useApp();
  const [open, setOpen] = useState(false);
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const scoped = filter.query.trim() !== '' || filter.fromUs !== null;
  const apply = async () => {
    setBusy(true);
    try {
      const r = await call('events:tag-query', {
        query: filter.query,
        tag: tag.trim(),
        ...(filter.fromUs !== null ? { fromUs: filter.fromUs } : {}),
        ...(filter.toUs !== null ? { toUs: filter.toUs } : {}),
      });
      notify('ok', `Tagged ${n(r.changed)} of ${n(r.matched)} matching events “${r.tag}”.`);
      setOpen(false);
      setTag('');
      bumpData();
    } catch (err) {
      notify('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="popover-anchor">
      <button
        type="button"
        className={`btn${open ? ' active' : ''}`}
        disabled={!scoped}
        title={scoped ? 'Tag every matching event' : 'Search or brush a range first'}
        onClick={() => setOpen((o) => !o)}
      >
        Tag matching…
      </button>
      {open && (
        <form
          className="popover wide"
          onSubmit={(e) => {
            e.preventDefault();
            if (tag.trim()) void apply();
          }}
        >
          <div>
            Tag all <strong>{total === null ? '…' : n(total)}</strong> events matching the query
            {filter.fromUs !== null ? ' in the range' : ''}:
          </div>
          <div className="row">
            <input
              type="text"
              className="grow"
              value={tag}
              onChange={(e) => setTag(e.target.value)}
              placeholder="tag name"
              maxLength={64}
              autoFocus
            />
            <button type="submit" className="btn primary small" disabled={busy || !tag.trim()}>
              Tag
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
