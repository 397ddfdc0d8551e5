/**
 * Collect wizard: tenant and app registration, credentials, sources, users and range; then a run
 * with a progress bar per source, the device-code prompt, cancel, and the per-source summary with
 * gaps. Secrets live only in this component's state for the duration of the call.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ApiInput } from '../../shared/ipc/contract';
import {
  CLOUDS,
  COLLECT_SOURCES,
  type CollectProgress,
  type CollectResult,
  type CollectSource,
  type DeviceCodePrompt,
} from '../../shared/model/collection';
import { api, call, errorCode, errorMessage } from '../api';
import { Modal } from '../components/Modal';
import { PathField } from '../components/PathField';
import { ProgressBar } from '../components/bits';
import { n } from '../lib/format';
import { fromLocalInput, toLocalInput } from '../lib/time';
import { useApp } from '../state';

const SOURCE_INFO: Record<CollectSource, { label: string; hint: string }> = {
  ual: { label: 'Unified Audit Log (Graph audit query)', hint: 'mailbox and admin activity, up to 180 days (Audit Standard)' },
  mgmt: { label: 'Unified Audit Log (Management Activity API)', hint: 'last 7 days only; needs a subscription' },
  signins: { label: 'Entra sign-ins', hint: 'interactive, non-interactive and service principal; 30 days' },
  audits: { label: 'Entra directory audits', hint: 'consents, app and role changes; 30 days' },
  mailbox: { label: 'Mailbox state', hint: 'inbox rules, forwarding settings, consent grants (a snapshot now)' },
  activities: { label: 'Outlook Activities (2018 API)', hint: 'retired by Microsoft; only where still answered' },
};

type Step = 'setup' | 'scope' | 'run';
type AuthMode = 'device-code' | 'certificate' | 'secret';

export function CollectWizard({ onClose }: { onClose: () => void }) {
  const { zone, bumpData, notify } = useApp();
  const [step, setStep] = useState<Step>('setup');
  const [tenant, setTenant] = useState('');
  const [clientId, setClientId] = useState('');
  const [cloud, setCloud] = useState<(typeof CLOUDS)[number]>('global');
  const [authMode, setAuthMode] = useState<AuthMode>('device-code');
  const [certFile, setCertFile] = useState('');
  const [keyFile, setKeyFile] = useState('');
  const [secret, setSecret] = useState('');
  const [sources, setSources] = useState<Set<CollectSource>>(new Set(['ual', 'signins', 'audits', 'mailbox']));
  const [users, setUsers] = useState('');
  const [nowUs] = useState(() => Date.now() * 1000);
  const [from, setFrom] = useState(() => toLocalInput(nowUs - 90 * 86400 * 1e6, zone));
  const [to, setTo] = useState(() => toLocalInput(nowUs, zone));
  const [advanced, setAdvanced] = useState(false);
  const [hosts, setHosts] = useState({ authority: '', graph: '', manage: '', outlook: '' });
  const [caFile, setCaFile] = useState('');
  const [resume, setResume] = useState(false);
  const [jobId] = useState(() => `collect-${Date.now().toString(36)}`);
  const [progress, setProgress] = useState<Partial<Record<CollectSource, CollectProgress>>>({});
  const [prompt, setPrompt] = useState<DeviceCodePrompt | null>(null);
  const [result, setResult] = useState<CollectResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    const offProgress = api().on('collect:progress', (p) => {
      if (p.jobId === jobId) setProgress((all) => ({ ...all, [p.source]: p }));
    });
    const offCode = api().on('collect:device-code', (p) => {
      if (p.jobId === jobId) setPrompt(p);
    });
    return () => {
      offProgress();
      offCode();
    };
  }, [jobId]);

  const guid = /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/;
  const setupOk =
    tenant.trim().length > 0 &&
    guid.test(clientId.trim()) &&
    (authMode === 'device-code' || (authMode === 'certificate' ? certFile.trim() && keyFile.trim() : secret.length > 0));
  const fromUs = fromLocalInput(from, zone);
  const toUs = fromLocalInput(to, zone);
  const rangeOk = fromUs !== null && toUs !== null && fromUs < toUs;
  const userList = useMemo(
    () =>
      users
        .split(/[\s,;]+/)
        .map((u) => u.trim())
        .filter(Boolean),
    [users],
  );
  const badUsers = userList.filter((u) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(u));
  // Mailbox state and Activities are read per mailbox: they need the list.
  const needsUsers = (sources.has('mailbox') || sources.has('activities')) && userList.length === 0;

  const start = async () => {
    if (started.current) return;
    started.current = true;
    setStep('run');
    setRunning(true);
    setError(null);
    const auth: ApiInput<'collect:start'>['auth'] =
      authMode === 'device-code'
        ? { mode: 'device-code' }
        : authMode === 'certificate'
          ? { mode: 'certificate', certFile: certFile.trim(), keyFile: keyFile.trim() }
          : { mode: 'secret', secret };
    const customHosts = Object.fromEntries(Object.entries(hosts).filter(([, v]) => v.trim()));
    try {
      const r = await call('collect:start', {
        tenant: tenant.trim(),
        clientId: clientId.trim(),
        auth,
        sources: [...sources],
        ...(userList.length ? { users: userList } : {}),
        from: new Date(fromUs! / 1000).toISOString(),
        to: new Date(toUs! / 1000).toISOString(),
        cloud,
        ...(Object.keys(customHosts).length ? { hosts: customHosts } : {}),
        ...(caFile.trim() ? { caFile: caFile.trim() } : {}),
        ...(resume ? { resume: true } : {}),
        jobId,
      });
      setResult(r);
      notify(r.state === 'completed' ? 'ok' : 'info', `Collection ${r.state}.`);
    } catch (err) {
      setError(errorCode(err) === 'CANCELLED' ? 'Cancelled. The run can be resumed later.' : errorMessage(err));
    } finally {
      setSecret('');
      setRunning(false);
      setPrompt(null);
      bumpData();
    }
  };
  const cancel = async () => {
    try {
      await call('collect:cancel', { jobId });
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };

  const footer =
    step === 'setup' ? (
      <>
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn primary" disabled={!setupOk} onClick={() => setStep('scope')}>
          Next
        </button>
      </>
    ) : step === 'scope' ? (
      <>
        <button type="button" className="btn" onClick={() => setStep('setup')}>
          Back
        </button>
        <button
          type="button"
          className="btn primary"
          disabled={!rangeOk || sources.size === 0 || badUsers.length > 0 || needsUsers}
          onClick={() => void start()}
        >
          Start collection
        </button>
      </>
    ) : running ? (
      <button type="button" className="btn danger" onClick={() => void cancel()}>
        Cancel collection
      </button>
    ) : (
      <button type="button" className="btn primary" onClick={onClose}>
        Close
      </button>
    );

  return (
    <Modal title="Collect from Microsoft 365" onClose={onClose} footer={footer} wide busy={running} testId="collect-wizard">
      <ol className="steps row">
        {(['setup', 'scope', 'run'] as Step[]).map((s, i) => (
          <li key={s} className={s === step ? 'active' : ''}>
            {i + 1}. {s === 'setup' ? 'Tenant and sign-in' : s === 'scope' ? 'What to collect' : 'Collection'}
          </li>
        ))}
      </ol>
      {step === 'setup' && (
        <div className="form-grid">
          <label className="field">
            <span>Tenant (domain or id) *</span>
            <input
              type="text"
              name="tenant"
              value={tenant}
              onChange={(e) => setTenant(e.target.value)}
              placeholder="contoso.onmicrosoft.com"
            />
          </label>
          <label className="field">
            <span>Application (client) id *</span>
            <input
              type="text"
              name="clientId"
              className={clientId && !guid.test(clientId.trim()) ? 'invalid mono' : 'mono'}
              value={clientId}
              onChange={(e) => setClientId(e.target.value)}
              placeholder="00000000-0000-0000-0000-000000000000"
            />
          </label>
          <label className="field">
            <span>Cloud</span>
            <select value={cloud} onChange={(e) => setCloud(e.target.value as typeof cloud)}>
              {CLOUDS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Sign-in</span>
            <select value={authMode} onChange={(e) => setAuthMode(e.target.value as AuthMode)} name="auth">
              <option value="device-code">Device code (delegated, as the examiner)</option>
              <option value="certificate">Certificate (app-only)</option>
              <option value="secret">Client secret (app-only, discouraged)</option>
            </select>
          </label>
          {authMode === 'certificate' && (
            <>
              <PathField label="Certificate (PEM)" mode="open" purpose="evidence" value={certFile} onChange={setCertFile} />
              <PathField label="Private key (PEM)" mode="open" purpose="evidence" value={keyFile} onChange={setKeyFile} />
            </>
          )}
          {authMode === 'secret' && (
            <label className="field full">
              <span>Client secret (used in memory only, never stored or journaled)</span>
              <input type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
            </label>
          )}
          <div className="full">
            <button type="button" className="btn ghost small" onClick={() => setAdvanced((a) => !a)}>
              {advanced ? '▾' : '▸'} Advanced (custom hosts, CA file)
            </button>
          </div>
          {advanced && (
            <>
              {(['authority', 'graph', 'manage', 'outlook'] as const).map((h) => (
                <label key={h} className="field">
                  <span>{h} host</span>
                  <input
                    type="text"
                    className="mono"
                    value={hosts[h]}
                    placeholder="https://host:port"
                    onChange={(e) => setHosts((x) => ({ ...x, [h]: e.target.value }))}
                  />
                </label>
              ))}
              <PathField label="Extra CA certificate (PEM)" mode="open" purpose="evidence" value={caFile} onChange={setCaFile} />
            </>
          )}
        </div>
      )}
      {step === 'scope' && (
        <div className="form-grid">
          <fieldset className="full stack" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="muted" style={{ fontSize: 12 }}>
              Sources
            </legend>
            {COLLECT_SOURCES.map((s) => (
              <label key={s} className="row" style={{ alignItems: 'flex-start' }}>
                <input
                  type="checkbox"
                  checked={sources.has(s)}
                  onChange={(e) =>
                    setSources((all) => {
                      const next = new Set(all);
                      if (e.target.checked) next.add(s);
                      else next.delete(s);
                      return next;
                    })
                  }
                />
                <span>
                  {SOURCE_INFO[s].label} <span className="muted">— {SOURCE_INFO[s].hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <label className="field full">
            <span>Users (one UPN per line; empty = every user for the audit log, sign-ins and directory audits)</span>
            <textarea
              rows={4}
              className="mono"
              name="users"
              value={users}
              onChange={(e) => setUsers(e.target.value)}
              placeholder="cfo@contoso.com"
            />
            {badUsers.length > 0 && <span className="field-error">Not an address: {badUsers.slice(0, 3).join(', ')}</span>}
            {needsUsers && (
              <span className="field-error">Mailbox state and Outlook Activities are read per mailbox: list the mailboxes.</span>
            )}
          </label>
          <label className="field">
            <span>From ({zone})</span>
            <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="field">
            <span>To ({zone})</span>
            <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          {!rangeOk && <div className="field-error full">The range must end after it starts.</div>}
          <label className="full row">
            <input type="checkbox" checked={resume} onChange={(e) => setResume(e.target.checked)} /> Resume the last unfinished run instead
            of starting a new one
          </label>
        </div>
      )}
      {step === 'run' && (
        <div className="stack" data-testid="collect-run">
          {prompt && (
            <div className="banner warn stack" role="alert" data-testid="device-code">
              <div>Sign in on any device with a browser:</div>
              <div className="row">
                <span className="mono">{prompt.verificationUri}</span>
              </div>
              <div className="row">
                Code:{' '}
                <strong className="mono" style={{ fontSize: 20, letterSpacing: '0.1em' }}>
                  {prompt.userCode}
                </strong>
                <button type="button" className="btn small" onClick={() => void navigator.clipboard?.writeText(prompt.userCode)}>
                  Copy
                </button>
              </div>
              <div className="muted" style={{ fontSize: 12 }}>
                {prompt.message} (expires in {Math.round(prompt.expiresInSec / 60)} min)
              </div>
            </div>
          )}
          {[...sources].map((s) => (
            <ProgressBar
              key={s}
              progress={progress[s] ?? null}
              label={
                <>
                  <strong>{SOURCE_INFO[s].label}</strong>
                  {progress[s] && (
                    <span className="muted">
                      {' '}
                      · {n(progress[s].records)} records · {n(progress[s].requests)} requests
                    </span>
                  )}
                </>
              }
            />
          ))}
          {error && (
            <div className="banner bad" role="alert">
              {error}
            </div>
          )}
          {result && <CollectSummary result={result} />}
        </div>
      )}
    </Modal>
  );
}

function CollectSummary({ result }: { result: CollectResult }) {
  return (
    <div className="stack" data-testid="collect-summary">
      <div className={`banner ${result.state === 'completed' ? 'ok' : 'warn'}`}>
        Run <code>{result.runId}</code>: <strong>{result.state}</strong>
        {result.resumed ? ' (resumed)' : ''}
      </div>
      <table className="data">
        <thead>
          <tr>
            <th>Source</th>
            <th>State</th>
            <th className="num">Declared</th>
            <th className="num">Received</th>
            <th className="num">Imported</th>
            <th className="num">Duplicates</th>
            <th className="num">Quarantined</th>
            <th className="num">Requests</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(result.sources).map(([source, s]) => (
            <tr key={source}>
              <td>{source}</td>
              <td>
                <span className={`badge ${s.state === 'completed' ? 'ok' : 'warn'}`}>{s.state}</span>
              </td>
              <td className="num">{n(s.declared)}</td>
              <td className="num">{n(s.received)}</td>
              <td className="num">{n(s.imported)}</td>
              <td className="num" title={s.upgraded ? 'of which a fuller copy replaced the one the case held' : undefined}>
                {n(s.duplicates)}
                {s.upgraded ? ` (${n(s.upgraded)} replaced)` : ''}
              </td>
              <td className="num">{n(s.quarantined)}</td>
              <td className="num">
                {n(s.requests)} ({n(s.retries)} retries, {n(s.throttled)} throttled)
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {Object.values(result.sources).flatMap((s) => s.gaps).length > 0 && (
        <div className="stack">
          <h3>Gaps</h3>
          <ul>
            {Object.values(result.sources)
              .flatMap((s) => s.gaps)
              .map((g) => (
                <li key={g.id}>
                  <span className="badge warn">{g.kind}</span> {g.source}: {g.detail}
                </li>
              ))}
          </ul>
        </div>
      )}
      {result.warnings.map((w) => (
        <div key={w} className="banner warn">
          {w}
        </div>
      ))}
    </div>
  );
}
