/** Small presentational pieces used across screens. */
import type { ReactNode } from 'react';
import type { Progress as ProgressEvent } from '../../shared/model/progress';
import { n, shortHash } from '../lib/format';
import { formatUs } from '../lib/time';
import { useApp } from '../state';

/** A time in the display zone, with its offset. */
export function Time({ us, precision = 3 }: { us: number | null | undefined; precision?: 0 | 3 | 6 }) {
  const { zone } = useApp();
  if (us === null || us === undefined) return <span className="muted">—</span>;
  const text = formatUs(us, zone, precision);
  return (
    <time className="mono nowrap" dateTime={new Date(Math.floor(us / 1000)).toISOString()} title={`${formatUs(us, zone, 6)} (${zone})`}>
      {text}
    </time>
  );
}

/** A hash: shortened with the full value on hover, or in full. */
export function Hash({ value, full }: { value: string; full?: boolean }) {
  return (
    <span className="hash" title={value} data-hash={value}>
      {full ? value : shortHash(value)}
    </span>
  );
}

/** A progress bar for a job's progress event. */
export function ProgressBar({ progress, label }: { progress: ProgressEvent | null; label?: ReactNode }) {
  const pct = progress && progress.total ? Math.min(100, (100 * progress.done) / progress.total) : null;
  return (
    <div className="stack" data-testid="progress">
      <div className="row">
        <span className="grow">{label ?? progress?.phase ?? 'working'}</span>
        {progress && (
          <span className="muted num">
            {n(progress.done)}
            {progress.total !== null ? ` / ${n(progress.total)}` : ''} {progress.unit}
            {pct !== null ? ` (${pct.toFixed(0)}%)` : ''}
          </span>
        )}
      </div>
      <div className={`progress${pct === null ? ' indeterminate' : ''}`}>
        <div style={{ width: `${pct ?? 30}%` }} />
      </div>
      {progress?.detail && (
        <div className="muted mono" style={{ fontSize: 11 }}>
          {progress.detail}
        </div>
      )}
    </div>
  );
}

/** A number card on the Overview. */
export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="card">
      <div className="value">{value}</div>
      <div className="label">{label}</div>
      {hint && (
        <div className="muted" style={{ fontSize: 11 }}>
          {hint}
        </div>
      )}
    </div>
  );
}

/** A centred message for empty or failed states. */
export function Empty({ children }: { children: ReactNode }) {
  return (
    <div className="muted" style={{ padding: '24px 8px', textAlign: 'center' }}>
      {children}
    </div>
  );
}

/** The completeness warnings of an imported file or evidence item (docs/formats.md, "Incomplete exports"). */
export function IncompleteWarnings({ warnings, testId }: { warnings: readonly string[] | undefined; testId: string }) {
  return (
    <>
      {(warnings ?? []).map((w) => (
        <div key={w} className="field-warn" data-testid={testId}>
          Incomplete export: {w}
        </div>
      ))}
    </>
  );
}
