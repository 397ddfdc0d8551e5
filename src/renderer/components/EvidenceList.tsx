/** Evidence items of the case with their SHA-256, counts, and their quarantined records on demand. */
import { Fragment, useState } from 'react';
import { call } from '../api';
import { bytes, n } from '../lib/format';
import { describeOrigin, evidenceItems } from '../lib/evidence';
import { useAsync } from '../lib/use-async';
import { Empty, Hash, IncompleteWarnings, Time } from './bits';

export function EvidenceList({ version }: { version: number }) {
  const items = useAsync(() => evidenceItems(version), [version]);
  const [open, setOpen] = useState<number | null>(null);
  if (items.error) return <div className="field-error">{items.error}</div>;
  if (!items.data) return <span className="muted">…</span>;
  if (items.data.length === 0) return <Empty>No evidence yet: import files or collect from Microsoft 365.</Empty>;
  return (
    <table className="data fixed" data-testid="evidence">
      <colgroup>
        <col style={{ width: 48 }} />
        <col style={{ width: 100 }} />
        <col />
        <col style={{ width: 190 }} />
        <col style={{ width: 84 }} />
        <col style={{ width: 190 }} />
        <col style={{ width: 226 }} />
      </colgroup>
      <thead>
        <tr>
          <th className="num">#</th>
          <th>Kind</th>
          <th>Origin</th>
          <th>SHA-256</th>
          <th className="num">Size</th>
          <th className="num">Declared / parsed</th>
          <th>Acquired</th>
        </tr>
      </thead>
      <tbody>
        {items.data.map((it) => (
          <Fragment key={it.id}>
            <tr>
              <td className="num">{it.id}</td>
              <td>{it.kind}</td>
              <td title={describeOrigin(it.origin)}>
                <div className="path-cell mono">
                  <span dir="ltr">{describeOrigin(it.origin)}</span>
                </div>
                {it.sightings.length > 0 && <span className="badge">{it.sightings.length} more acquisitions</span>}
                <IncompleteWarnings warnings={it.warnings} testId="evidence-warning" />
              </td>
              <td>
                <Hash value={it.sha256} />
              </td>
              <td className="num">{bytes(it.bytes)}</td>
              <td className="num">
                {n(it.declaredCount)} / {n(it.parsedCount)}{' '}
                <button
                  type="button"
                  className="btn ghost small"
                  onClick={() => setOpen(open === it.id ? null : it.id)}
                  title="Quarantined records"
                >
                  Q
                </button>
              </td>
              <td>
                <Time us={it.acquiredAtUs} precision={0} />
              </td>
            </tr>
            {open === it.id && (
              <tr>
                <td colSpan={7}>
                  <Quarantine evidenceId={it.id} />
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function Quarantine({ evidenceId }: { evidenceId: number }) {
  const q = useAsync(() => call('quarantine:list', { evidenceId, limit: 200 }), [evidenceId]);
  if (q.error) return <div className="field-error">{q.error}</div>;
  if (!q.data) return <span className="muted">…</span>;
  if (q.data.total === 0) return <span className="muted">No quarantined records in this item.</span>;
  return (
    <div className="stack">
      <strong>
        {n(q.data.total)} quarantined record{q.data.total === 1 ? '' : 's'}
        {q.data.total > q.data.items.length ? ` (first ${q.data.items.length})` : ''}
      </strong>
      {q.data.items.map((r) => (
        <details key={r.id}>
          <summary>
            <span className="mono">{r.location}</span>: {r.reason}
          </summary>
          <pre className="code">{r.raw ?? '(unreadable)'}</pre>
        </details>
      ))}
    </div>
  );
}
