/** Which evidence item (and record in it) an event came from, with the item's SHA-256 and origin. */
import { describeOrigin, evidenceItems } from '../lib/evidence';
import { useAsync } from '../lib/use-async';
import { useApp } from '../state';
import { Hash, Time } from './bits';

export function EvidenceRef({ evidenceId, recordIndex }: { evidenceId: number; recordIndex: number }) {
  const { dataVersion } = useApp();
  const items = useAsync(() => evidenceItems(dataVersion), [dataVersion]);
  const item = items.data?.find((i) => i.id === evidenceId);
  return (
    <div className="stack" style={{ gap: 2 }} data-testid="evidence-ref">
      <div>
        {/* Counted from 1, as quarantine locations count records; the 0-based index is what exports and the grid show. */}
        Evidence item <strong>#{evidenceId}</strong>, record <strong>{recordIndex + 1}</strong>{' '}
        <span className="muted">(record_index {recordIndex})</span>
        {item && <span className="muted"> · {item.kind}</span>}
      </div>
      {item && (
        <>
          <div className="mono" style={{ fontSize: 11, wordBreak: 'break-all' }}>
            {describeOrigin(item.origin)}
          </div>
          <div>
            SHA-256 <Hash value={item.sha256} full />
          </div>
          <div className="muted" style={{ fontSize: 11 }}>
            acquired <Time us={item.acquiredAtUs} precision={0} /> · journal #{item.custodySeq}
          </div>
        </>
      )}
      {items.error && <div className="field-error">{items.error}</div>}
    </div>
  );
}
