/** Custody: the hash-chained journal, its head hash, and whole-case verification. */
import { useEffect, useRef, useState } from 'react';
import type { JournalEntry, VerifyResult } from '../../shared/model/custody';
import { call, errorMessage } from '../api';
import { Empty, Hash, Time } from '../components/bits';
import { bytes, n } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { useApp } from '../state';

const PAGE = 500;

export function CustodyScreen({ verifyNow }: { verifyNow: number }) {
  const { caseInfo, dataVersion, refreshCase, notify } = useApp();
  // The latest entries first come into view; earlier ones load on demand.
  const [pages, setPages] = useState(1);
  const journal = useAsync(async () => {
    const { total } = await call('custody:list', { limit: 1 });
    const from = Math.max(0, total - pages * PAGE);
    const entries: JournalEntry[] = [];
    let after = from;
    while (entries.length < total - from) {
      const page = await call('custody:list', { afterSeq: after, limit: PAGE });
      entries.push(...page.entries);
      if (page.entries.length < PAGE) break;
      after = page.entries[page.entries.length - 1]!.seq;
    }
    return { entries, total, from };
  }, [dataVersion, pages]);
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    try {
      const r = await call('custody:verify', {});
      setResult(r);
      notify(
        r.ok ? 'ok' : 'error',
        r.ok ? `Verified: ${r.entries} journal entries, ${r.evidenceItems} evidence items.` : 'Verification FAILED.',
      );
      await refreshCase();
      journal.reload();
    } catch (err) {
      notify('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  // The menu's "Verify Case" arrives as a changed counter.
  const verifyRef = useRef(verify);
  useEffect(() => {
    verifyRef.current = verify;
  });
  useEffect(() => {
    if (verifyNow > 0) void verifyRef.current();
  }, [verifyNow]);
  const entries = journal.data?.entries ?? [];
  return (
    <div className="screen" data-testid="custody-screen">
      <div className="screen-head">
        <h1>Custody journal</h1>
        <span className="muted">{n(journal.data?.total ?? caseInfo?.journal.entries ?? 0)} entries</span>
        <button type="button" className="btn primary right" onClick={() => void verify()} disabled={busy} data-testid="verify">
          {busy ? 'Verifying…' : 'Verify case'}
        </button>
      </div>
      <div className="panel stack">
        <div className="row">
          <span className="muted">Head hash</span>
          <span data-testid="head-hash">
            <Hash value={caseInfo?.journal.head ?? ''} full />
          </span>
        </div>
        <div className="muted" style={{ fontSize: 12 }}>
          Each entry&apos;s hash is SHA-256 of the previous hash and the entry&apos;s canonical JSON; the head hash is printed in the report
          and the package manifest. Verification recomputes the whole chain and re-hashes every evidence item.
        </div>
      </div>
      {result && (
        <div className={`banner ${result.ok ? 'ok' : 'bad'}`} role="status" data-testid="verify-result">
          {result.ok ? (
            <>
              <strong>Verified.</strong> {n(result.entries)} journal entries chain to head <Hash value={result.head} />;{' '}
              {n(result.evidenceItems)} evidence items ({bytes(result.evidenceBytes)}) re-hashed and match.
            </>
          ) : (
            <>
              <strong>Verification failed.</strong> Last good head <Hash value={result.head} />.
              <ul>
                {result.problems.map((p, i) => (
                  <li key={i}>
                    {p.kind}
                    {p.seq !== undefined ? ` #${p.seq}` : ''}
                    {p.evidenceId !== undefined ? ` evidence ${p.evidenceId}` : ''}: {p.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {journal.error && <div className="field-error">{journal.error}</div>}
      {journal.data && journal.data.from > 0 && (
        <div className="row">
          <span className="muted">
            Entries {n(journal.data.from + 1)}–{n(journal.data.total)} of {n(journal.data.total)}
          </span>
          <button type="button" className="btn small" onClick={() => setPages((p) => p + 1)}>
            Show {n(Math.min(PAGE, journal.data.from))} earlier
          </button>
        </div>
      )}
      <div className="panel" style={{ padding: 0 }}>
        <table className="data fixed" data-testid="journal">
          <colgroup>
            <col style={{ width: 56 }} />
            <col style={{ width: 250 }} />
            <col style={{ width: 150 }} />
            <col style={{ width: 170 }} />
            <col />
            <col style={{ width: 170 }} />
          </colgroup>
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Time</th>
              <th>Examiner</th>
              <th>Action</th>
              <th>Details</th>
              <th>Hash</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td className="num">{e.seq}</td>
                <td>
                  <Time us={e.atUs} />
                </td>
                <td>{e.examiner}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  <Details details={e.details} />
                </td>
                <td>
                  <Hash value={e.hash} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries.length === 0 && !journal.loading && <Empty>No journal entries.</Empty>}
      </div>
    </div>
  );
}

function Details({ details }: { details: Record<string, unknown> }) {
  const text = JSON.stringify(details);
  return (
    <details className="json-details">
      <summary title={text}>
        <code>{text}</code>
      </summary>
      <pre className="mono" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
        {JSON.stringify(details, null, 2)}
      </pre>
    </details>
  );
}
