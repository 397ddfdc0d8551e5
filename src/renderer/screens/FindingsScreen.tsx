/** Findings: what the analyzers found, why it matters, what to do next, and a jump to the events. */
import { useEffect, useRef, useState } from 'react';
import type { AnalyzeResult, Finding, FindingSeverity } from '../../shared/model/analysis';
import { call, errorMessage } from '../api';
import { Empty, Time } from '../components/bits';
import { n } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { useApp } from '../state';

const SEVERITIES: FindingSeverity[] = ['high', 'medium', 'low', 'info'];
/** Findings with at most this many events jump by id; larger ones by actor and time span. */
const MAX_ID_QUERY = 200;

/** The search query that lists a finding's events. */
export function findingQuery(f: Finding): { query: string; fromUs: number | null; toUs: number | null } {
  if (f.eventIds.length > 0 && f.eventIds.length <= MAX_ID_QUERY)
    return { query: f.eventIds.map((id) => `id:${id}`).join(' OR '), fromUs: null, toUs: null };
  const actors = f.actors.map((a) => `actor:"${a.replace(/["\\]/g, '\\$&')}"`).join(' OR ');
  return { query: actors, fromUs: f.firstUs, toUs: f.lastUs === null ? null : f.lastUs + 1 };
}

export function FindingsScreen() {
  const { dataVersion, bumpData, notify, setFilter, navigate, focusFindingId } = useApp();
  const [minSeverity, setMinSeverity] = useState<FindingSeverity>('info');
  const findings = useAsync(() => call('findings:list', { minSeverity }), [dataVersion, minSeverity]);
  const analyzers = useAsync(() => call('analyze:list', {}), []);
  const [running, setRunning] = useState(false);
  const [last, setLast] = useState<AnalyzeResult | null>(null);
  const run = async () => {
    setRunning(true);
    try {
      const r = await call('analyze:run', {});
      setLast(r);
      notify('ok', `Analyzers ran: ${r.findings.length} findings (${r.added} new, ${r.removed} gone).`);
      bumpData();
    } catch (err) {
      notify('error', errorMessage(err));
    } finally {
      setRunning(false);
    }
  };
  const list = findings.data?.findings ?? [];
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, list.filter((f) => f.severity === s).length])) as Record<
    FindingSeverity,
    number
  >;
  const show = (f: Finding) => {
    setFilter(findingQuery(f));
    navigate('events');
  };
  return (
    <div className="screen" data-testid="findings-screen">
      <div className="screen-head">
        <h1>Findings</h1>
        <div className="row">
          {SEVERITIES.map((s) => (
            <span key={s} className={`badge sev-${s}`}>
              {counts[s]} {s}
            </span>
          ))}
        </div>
        <div className="row right">
          <label className="row" style={{ gap: 6 }}>
            <span className="muted">Show</span>
            <select value={minSeverity} onChange={(e) => setMinSeverity(e.target.value as FindingSeverity)}>
              <option value="info">all</option>
              <option value="low">low and above</option>
              <option value="medium">medium and above</option>
              <option value="high">high only</option>
            </select>
          </label>
          <button type="button" className="btn primary" onClick={() => void run()} disabled={running} data-testid="run-analyzers">
            {running ? 'Running…' : 'Run analyzers'}
          </button>
        </div>
      </div>
      {last && (
        <div className="banner" role="status">
          Run {last.runId}: {n(last.findings.length)} findings from {last.analyzers.length} analyzers in {n(last.durationMs)} ms (
          {last.added} new, {last.removed} no longer produced).
        </div>
      )}
      {findings.error && <div className="field-error">{findings.error}</div>}
      {!findings.loading && list.length === 0 && (
        <Empty>
          No findings{minSeverity !== 'info' ? ' at this severity' : ''}.{' '}
          {analyzers.data ? `${analyzers.data.analyzers.length} analyzers are available: ` : ''}run them after importing or collecting.
        </Empty>
      )}
      <div className="stack" data-testid="findings">
        {list.map((f) => (
          <FindingCard key={f.id} finding={f} focused={f.id === focusFindingId} onShow={() => show(f)} />
        ))}
      </div>
    </div>
  );
}

function FindingCard({ finding: f, focused, onShow }: { finding: Finding; focused: boolean; onShow: () => void }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'center' });
  }, [focused]);
  return (
    <article ref={ref} className={`panel finding sev-border-${f.severity}${focused ? ' focused' : ''}`} data-finding-id={f.id}>
      <div className="row">
        <span className={`badge sev-${f.severity}`}>{f.severity}</span>
        {f.kind === 'gap' && <span className="badge warn">visibility gap</span>}
        <h2 className="grow" style={{ margin: 0 }}>
          {f.title}
        </h2>
        <code className="muted">{f.analyzer}</code>
      </div>
      <div className="row wrap muted" style={{ fontSize: 12 }}>
        {f.actors.length > 0 && <span>{f.actors.join(', ')}</span>}
        {f.firstUs !== null && (
          <span>
            <Time us={f.firstUs} precision={0} />
            {f.lastUs !== null && f.lastUs !== f.firstUs && (
              <>
                {' '}
                – <Time us={f.lastUs} precision={0} />
              </>
            )}
          </span>
        )}
      </div>
      <p style={{ margin: '4px 0' }}>{f.why}</p>
      {f.nextSteps.length > 0 && (
        <div>
          <h3>Next steps</h3>
          <ol className="next-steps">
            {f.nextSteps.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
        </div>
      )}
      <div className="row">
        <button
          type="button"
          className="btn"
          onClick={onShow}
          disabled={f.eventIds.length === 0 && f.actors.length === 0}
          data-testid="finding-events"
        >
          Show {n(f.eventIds.length)} event{f.eventIds.length === 1 ? '' : 's'}
        </button>
      </div>
    </article>
  );
}
