/** Overview: what the case holds, where it came from, what was found, the journal head, and the gaps. */
import type { FindingSeverity, TopValue } from '../../shared/model/analysis';
import { call } from '../api';
import { Empty, Hash, Stat, Time } from '../components/bits';
import { EvidenceList } from '../components/EvidenceList';
import { findingQuery } from './FindingsScreen';
import { bytes, n } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { useApp } from '../state';

const SEVERITIES: FindingSeverity[] = ['high', 'medium', 'low', 'info'];

export function OverviewScreen() {
  const { caseInfo, navigate, dataVersion, setFilter, openFinding } = useApp();
  const sources = useAsync(() => call('events:top', { field: 'source', limit: 20 }), [dataVersion]);
  const categories = useAsync(() => call('events:top', { field: 'category', limit: 20 }), [dataVersion]);
  const findings = useAsync(() => call('findings:list', {}), [dataVersion]);
  const runs = useAsync(() => call('collect:runs', {}), [dataVersion]);
  if (!caseInfo) return null;
  const list = findings.data?.findings ?? [];
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, list.filter((f) => f.severity === s).length])) as Record<
    FindingSeverity,
    number
  >;
  const show = (field: 'source' | 'category', value: string) => {
    setFilter({ query: `${field}:${value}`, fromUs: null, toUs: null });
    navigate('events');
  };
  return (
    <div className="screen" data-testid="overview-screen">
      <div className="screen-head">
        <h1>{caseInfo.name}</h1>
        {caseInfo.number && <span className="badge">{caseInfo.number}</span>}
      </div>
      <div className="cards">
        <Stat label="Events" value={n(caseInfo.events)} />
        <Stat label="Evidence items" value={n(caseInfo.evidence.items)} hint={bytes(caseInfo.evidence.bytes)} />
        <Stat
          label="Findings"
          value={n(list.length)}
          hint={
            SEVERITIES.filter((s) => bySeverity[s])
              .map((s) => `${bySeverity[s]} ${s}`)
              .join(' · ') || 'none yet'
          }
        />
        <Stat label="Journal entries" value={n(caseInfo.journal.entries)} />
        <Stat
          label="Collection gaps"
          value={n(runs.data?.gaps.length ?? 0)}
          hint={runs.data ? `${runs.data.runs.length} collection runs` : undefined}
        />
      </div>
      <div className="two-col">
        <section className="panel stack">
          <h2>Events by source</h2>
          <Bars values={sources.data?.values} error={sources.error} onPick={(v) => show('source', v)} testId="by-source" />
        </section>
        <section className="panel stack">
          <h2>Events by category</h2>
          <Bars values={categories.data?.values} error={categories.error} onPick={(v) => show('category', v)} testId="by-category" />
        </section>
      </div>
      <section className="panel stack">
        <div className="row">
          <h2 style={{ margin: 0 }}>Findings by severity</h2>
          <button type="button" className="btn small right" onClick={() => navigate('findings')}>
            All findings
          </button>
        </div>
        <div className="row wrap">
          {SEVERITIES.map((s) => (
            <span key={s} className={`badge sev-${s}`}>
              {bySeverity[s]} {s}
            </span>
          ))}
        </div>
        {list.slice(0, 6).map((f) => (
          <div key={f.id} className="row">
            <button type="button" className="link-row grow" onClick={() => openFinding(f.id)}>
              <span className={`badge sev-${f.severity}`}>{f.severity}</span> {f.title}
            </button>
            <button
              type="button"
              className="btn ghost small"
              onClick={() => {
                setFilter(findingQuery(f));
                navigate('events');
              }}
            >
              {n(f.eventIds.length)} events
            </button>
          </div>
        ))}
        {list.length === 0 && !findings.loading && (
          <span className="muted">No findings yet: run the analyzers on the Findings screen.</span>
        )}
      </section>
      {
        <section className="panel stack">
          <h2>Evidence items</h2>
          <EvidenceList version={dataVersion} />
        </section>
      }
      <section className="panel stack">
        <h2>Collection gaps</h2>
        {runs.error && <div className="field-error">{runs.error}</div>}
        {runs.data && runs.data.gaps.length === 0 && (
          <span className="muted">No gaps recorded{runs.data.runs.length === 0 ? ' (nothing collected online)' : ''}.</span>
        )}
        {runs.data && runs.data.gaps.length > 0 && (
          <table className="data" data-testid="gaps">
            <thead>
              <tr>
                <th>Source</th>
                <th>Kind</th>
                <th>Range</th>
                <th>Target</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.gaps.map((g) => (
                <tr key={g.id}>
                  <td>{g.source}</td>
                  <td>
                    <span className="badge warn">{g.kind}</span>
                  </td>
                  <td className="nowrap">
                    {g.fromUs !== null ? <Time us={g.fromUs} precision={0} /> : '—'} –{' '}
                    {g.toUs !== null ? <Time us={g.toUs} precision={0} /> : '—'}
                  </td>
                  <td>{g.target ?? '—'}</td>
                  <td>{g.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel stack">
        <h2>Case</h2>
        <table className="kv">
          <tbody>
            <tr>
              <td>Examiner</td>
              <td>{caseInfo.examiner}</td>
            </tr>
            <tr>
              <td>Created</td>
              <td>
                <Time us={caseInfo.createdAtUs} precision={0} /> with Mailtrail {caseInfo.createdWith}
              </td>
            </tr>
            <tr>
              <td>Case time zone</td>
              <td>{caseInfo.timeZone}</td>
            </tr>
            <tr>
              <td>File</td>
              <td className="mono">{caseInfo.file}</td>
            </tr>
            <tr>
              <td>Case id</td>
              <td className="mono">{caseInfo.id}</td>
            </tr>
            <tr>
              <td>Journal head</td>
              <td>
                <button
                  type="button"
                  className="btn ghost small"
                  onClick={() => navigate('custody')}
                  title="Open the custody journal"
                  data-testid="overview-head"
                >
                  <Hash value={caseInfo.journal.head} full />
                </button>
              </td>
            </tr>
          </tbody>
        </table>
      </section>
    </div>
  );
}

function Bars({
  values,
  error,
  onPick,
  testId,
}: {
  values: TopValue[] | undefined;
  error: string | null;
  onPick: (value: string) => void;
  testId: string;
}) {
  if (error) return <div className="field-error">{error}</div>;
  if (!values) return <span className="muted">…</span>;
  if (values.length === 0) return <Empty>No events yet.</Empty>;
  const max = Math.max(...values.map((v) => v.n));
  return (
    <div className="bars" data-testid={testId}>
      {values.map((v) => (
        <button key={v.value} type="button" className="bar-row" onClick={() => onPick(v.value)} title={`Show ${v.value} events`}>
          <span className="bar-label">{v.value || '(none)'}</span>
          <span className="bar-track">
            <span className="bar-fill" style={{ width: `${(100 * v.n) / max}%` }} />
          </span>
          <span className="num bar-n">{n(v.n)}</span>
        </button>
      ))}
    </div>
  );
}
