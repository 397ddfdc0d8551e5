/**
 * The detail pane of one event: normalized fields, IP and user-agent details, tags, star,
 * comments, pivots and context, findings that include it, the evidence item it came from, and the
 * raw record exactly as acquired (pretty-printed when it is JSON).
 */
import { useState, type ReactNode } from 'react';
import type { EventDetail } from '../../shared/model/analysis';
import { call, errorMessage } from '../api';
import { useAsync } from '../lib/use-async';
import { useApp } from '../state';
import { Time } from './bits';
import { EvidenceRef } from './EvidenceRef';

type PivotBy = 'session' | 'ip' | 'ua' | 'app' | 'token' | 'actor' | 'device';

export function DetailPane({ eventId, onClose }: { eventId: number; onClose: () => void }) {
  const { dataVersion, bumpData, notify, setFilter, navigate, openFinding } = useApp();
  const [local, setLocal] = useState(0);
  const detail = useAsync(() => call('events:get', { id: eventId }), [eventId, dataVersion, local]);
  const tags = useAsync(() => call('tags:list', {}), [dataVersion, local]);
  const [tagText, setTagText] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);

  const act = async (fn: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    try {
      await fn();
      if (done) notify('ok', done);
      setLocal((v) => v + 1);
      bumpData();
    } catch (err) {
      notify('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const pivot = async (by: PivotBy) => {
    try {
      const r = await call('events:pivot', { id: eventId, by, limit: 1 });
      setFilter({ query: r.query, fromUs: null, toUs: null });
      navigate('events');
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };
  const context = async () => {
    try {
      const r = await call('events:context', { id: eventId, minutes: 30, limit: 1 });
      setFilter({ query: r.query, fromUs: r.fromUs, toUs: r.toUs });
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };

  const d: EventDetail | undefined = detail.data?.event.id === eventId ? detail.data : undefined;
  if (!d) {
    return (
      <aside className="detail" data-testid="detail-pane">
        <div className="detail-head">
          <strong>Event {eventId}</strong>
          <button type="button" className="btn ghost small right" onClick={onClose} aria-label="Close detail">
            ×
          </button>
        </div>
        <div className="muted" style={{ padding: 12 }}>
          {detail.error ?? 'Loading…'}
        </div>
      </aside>
    );
  }
  const ev = d.event;
  const pivots: [PivotBy, string, string | null][] = [
    ['session', 'Same session', ev.sessionId],
    ['ip', 'Same IP', ev.clientIp],
    ['ua', 'Same user agent', ev.userAgent],
    ['app', 'Same app', ev.appId],
    ['token', 'Same token', ev.tokenId],
    ['actor', 'Same actor', ev.actor],
    ['device', 'Same device', ev.deviceId],
  ];
  return (
    <aside className="detail" data-testid="detail-pane" data-event-id={ev.id}>
      <div className="detail-head">
        <button
          type="button"
          className={`btn small star-btn${d.star ? ' on' : ''}`}
          title={d.star ? `Starred by ${d.star.by}` : 'Star (s)'}
          aria-pressed={d.star !== null}
          data-testid="star"
          disabled={busy}
          onClick={() => void act(() => call('event:star', { id: ev.id, starred: d.star === null }))}
        >
          {d.star ? '★' : '☆'}
        </button>
        <div className="grow" style={{ minWidth: 0 }}>
          <div className="detail-title" title={ev.operation}>
            {ev.operation}
          </div>
          <Time us={ev.tsUs} precision={6} />
        </div>
        <button type="button" className="btn ghost small" onClick={onClose} aria-label="Close detail">
          ×
        </button>
      </div>
      <div className="detail-body">
        <p className="detail-summary">{ev.summary}</p>

        <Section title="Tags">
          <div className="row wrap" data-testid="tags">
            {d.tags.map((t) => (
              <span
                key={t.name}
                className="badge tag"
                style={{ background: `${t.color}26`, color: t.color }}
                title={`added by ${t.addedBy}`}
              >
                {t.name}
                <button
                  type="button"
                  className="chip-x"
                  aria-label={`Remove tag ${t.name}`}
                  onClick={() => void act(() => call('event:untag', { ids: [ev.id], tag: t.name }))}
                >
                  ×
                </button>
              </span>
            ))}
            {d.tags.length === 0 && <span className="muted">none</span>}
          </div>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              const tag = tagText.trim();
              if (!tag) return;
              void act(() => call('event:tag', { ids: [ev.id], tag }), `Tagged “${tag}”.`).then(() => setTagText(''));
            }}
          >
            <input
              type="text"
              name="tag"
              list="tag-names"
              className="grow"
              placeholder="Add tag (e.g. malicious)"
              value={tagText}
              onChange={(e) => setTagText(e.target.value)}
              maxLength={64}
            />
            <datalist id="tag-names">
              {tags.data?.tags.map((t) => (
                <option key={t.id} value={t.name} />
              ))}
            </datalist>
            <button type="submit" className="btn small" disabled={busy || !tagText.trim()}>
              Tag
            </button>
          </form>
        </Section>

        <Section title={`Comments (${d.comments.length})`}>
          <div className="stack" data-testid="comments">
            {d.comments.map((c) => (
              <div key={c.id} className="comment">
                <div className="row muted" style={{ fontSize: 11 }}>
                  <strong>{c.author}</strong> <Time us={c.atUs} precision={0} />
                  <button
                    type="button"
                    className="btn ghost small right"
                    title="Delete (journaled)"
                    onClick={() => void act(() => call('comment:delete', { commentId: c.id }))}
                  >
                    delete
                  </button>
                </div>
                <div className="comment-text">{c.text}</div>
              </div>
            ))}
          </div>
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              const text = comment.trim();
              if (!text) return;
              void act(() => call('event:comment', { id: ev.id, text }), 'Comment added.').then(() => setComment(''));
            }}
          >
            <textarea
              name="comment"
              rows={2}
              placeholder="Comment (journaled with your name)"
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
            <div className="row">
              <button type="submit" className="btn small" disabled={busy || !comment.trim()}>
                Add comment
              </button>
            </div>
          </form>
        </Section>

        {d.findings.length > 0 && (
          <Section title="Findings">
            {d.findings.map((f) => (
              <button key={f.id} type="button" className="link-row" onClick={() => openFinding(f.id)}>
                <span className={`badge sev-${f.severity}`}>{f.severity}</span> {f.title}
              </button>
            ))}
          </Section>
        )}

        <Section title="Pivot and context">
          <div className="row wrap">
            {pivots.map(([by, label, value]) => (
              <button
                key={by}
                type="button"
                className="btn small"
                disabled={!value}
                onClick={() => void pivot(by)}
                title={value ?? `no ${by}`}
              >
                {label}
              </button>
            ))}
            <button type="button" className="btn small" onClick={() => void context()} title="Events of the same actor ±30 minutes">
              ±30 min context
            </button>
          </div>
        </Section>

        <Section title="Fields">
          <table className="kv">
            <tbody>
              <Field k="Source" v={`${ev.source}${ev.recordType ? ` · ${ev.recordType}` : ''}`} />
              <Field k="Category" v={ev.category} />
              {ev.attrs.timeFallback && <Field k="Time taken from" v={`${ev.attrs.timeFallback.from}; ${ev.attrs.timeFallback.reason}`} />}
              {ev.attrs.timeReading && <Field k="Date as written" v={`${ev.attrs.timeReading.text}: ${ev.attrs.timeReading.note}`} />}
              <Field k="Actor" v={ev.actor} />
              <Field k="Mailbox" v={ev.mailbox} />
              <Field k="Client IP" v={ev.clientIp} />
              {d.ip && (
                <Field
                  k="IP details"
                  v={[d.ip.countryName ?? d.ip.country, d.ip.city, d.ip.asn ? `AS${d.ip.asn} ${d.ip.asOrg ?? ''}` : null, ...d.ip.flags]
                    .filter(Boolean)
                    .join(' · ')}
                />
              )}
              <Field k="User agent" v={ev.userAgent} />
              {d.userAgent && (
                <Field
                  k="UA details"
                  v={[
                    d.userAgent.browser,
                    d.userAgent.os,
                    d.userAgent.device,
                    d.userAgent.tool ? `TOOL: ${d.userAgent.tool.name} (${d.userAgent.tool.severity})` : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                />
              )}
              <Field k="Client app" v={ev.clientApp} />
              <Field k="App id" v={ev.appId} mono />
              <Field k="Session" v={ev.sessionId} mono />
              <Field k="Token" v={ev.tokenId} mono />
              <Field k="Device" v={ev.deviceId} mono />
              <Field k="Result" v={ev.result} />
              <Field k="Object" v={ev.object} />
              <Field k="Record key" v={ev.recordKey} mono />
              {ev.examinerAdded && <Field k="Added by examiner" v="yes" />}
            </tbody>
          </table>
        </Section>

        <Section title="Evidence">
          <EvidenceRef evidenceId={ev.evidenceId} recordIndex={ev.recordIndex} />
          {d.sightings.length > 0 && (
            <div className="muted" style={{ fontSize: 12 }}>
              Also seen in: {d.sightings.map((s) => `item ${s.evidenceId} record ${s.recordIndex + 1}`).join(', ')}
            </div>
          )}
        </Section>

        {Object.keys(ev.attrs).length > 0 && (
          <Section title="Decoded details" collapsed>
            <pre className="code">{JSON.stringify(ev.attrs, null, 2)}</pre>
          </Section>
        )}

        <Section title="Raw record" collapsed>
          <RawRecord raw={ev.raw} />
        </Section>
      </div>
    </aside>
  );
}

function Section({ title, children, collapsed }: { title: string; children: ReactNode; collapsed?: boolean }) {
  if (collapsed) {
    return (
      <details className="detail-section">
        <summary>
          <h3 style={{ display: 'inline' }}>{title}</h3>
        </summary>
        {children}
      </details>
    );
  }
  return (
    <section className="detail-section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function Field({ k, v, mono }: { k: string; v: string | null | undefined; mono?: boolean }) {
  if (v === null || v === undefined || v === '') return null;
  return (
    <tr>
      <td>{k}</td>
      <td className={mono ? 'mono' : ''} style={{ wordBreak: 'break-all' }}>
        {v}
      </td>
    </tr>
  );
}

/** The raw record: pretty JSON when it parses, verbatim otherwise; copy copies the verbatim text. */
export function RawRecord({ raw }: { raw: string }) {
  let pretty = raw;
  try {
    pretty = JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    // Not JSON (e.g. a CSV row kept as text): show it as stored.
  }
  return (
    <div className="stack" style={{ gap: 4 }}>
      <div className="row">
        <span className="muted" style={{ fontSize: 11 }}>
          {raw.length.toLocaleString('en-US')} characters, as acquired
        </span>
        <button type="button" className="btn ghost small right" onClick={() => void navigator.clipboard?.writeText(raw)}>
          Copy
        </button>
      </div>
      <pre className="code" data-testid="raw-record">
        {pretty}
      </pre>
    </div>
  );
}
